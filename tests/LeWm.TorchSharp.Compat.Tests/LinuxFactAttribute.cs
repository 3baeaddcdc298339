namespace LeWm.TorchSharp.Compat.Tests;

/// <summary>A fact about the Linux loader; skipped elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Checks the Linux dynamic loader and libLibTorchSharp.so.";
        }
    }
}
