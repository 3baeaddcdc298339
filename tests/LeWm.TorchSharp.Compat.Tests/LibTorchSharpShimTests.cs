using static TorchSharp.torch;

namespace LeWm.TorchSharp.Compat.Tests;

/// <summary>
/// What the build-time patch did to the libLibTorchSharp.so this process loaded, and where the loader
/// took libtorch from.
/// </summary>
public sealed class LibTorchSharpShimTests
{
    private const string ShimFileName = "libLibTorchSharp.so";

    [LinuxFact]
    public void Load_AfterFirstTensor_LibTorchCpuMappedOnlyFromAppOutput()
    {
        string[] mapped = MappedFilesAfterTorchLoads();

        string[] libTorchCpu = mapped.Where(file => Path.GetFileName(file).StartsWith("libtorch_cpu.so", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(libTorchCpu);
        Assert.All(libTorchCpu, file => Assert.StartsWith(AppContext.BaseDirectory, file, StringComparison.Ordinal));
    }

    [LinuxFact]
    public void Load_SystemLibTorchOnLoaderPath_NoLibTorchOrC10MappedFromOutsideAppOutput()
    {
        string[] mapped = MappedFilesAfterTorchLoads();

        string[] foreign = mapped
            .Where(file => Path.GetFileName(file).StartsWith("libtorch", StringComparison.Ordinal)
                || Path.GetFileName(file).StartsWith("libc10", StringComparison.Ordinal))
            .Where(file => !file.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal))
            .ToArray();
        Assert.Empty(foreign);
    }

    [LinuxFact]
    public void LoadedShim_VersionRequirements_Glibcxx3432IsWeak()
    {
        ElfSharedObject shim = ElfSharedObject.Read(LoadedShimPath());

        VersionRequirement glibcxx = Assert.Single(shim.VersionRequirements, requirement => requirement.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", glibcxx.Library);
        Assert.True(glibcxx.IsWeak, $"GLIBCXX_3.4.32 flags are 0x{glibcxx.Flags:x}; expected VER_FLG_WEAK (0x2).");
    }

    [LinuxFact]
    public void LoadedShim_VersionRequirements_OnlyGlibcxx3432IsWeak()
    {
        ElfSharedObject shim = ElfSharedObject.Read(LoadedShimPath());

        Assert.All(
            shim.VersionRequirements.Where(requirement => requirement.Version != "GLIBCXX_3.4.32"),
            requirement => Assert.False(requirement.IsWeak, $"{requirement.Version} of {requirement.Library} is weak."));
    }

    [LinuxFact]
    public void LoadedShim_RunPath_SearchesOwnFolderThenPackageNativeFolder()
    {
        ElfSharedObject shim = ElfSharedObject.Read(LoadedShimPath());

        Assert.Equal("$ORIGIN:$ORIGIN/runtimes/linux-x64/native", shim.RunPath);
    }

    [LinuxFact]
    public void LoadedShim_Location_IsInsideAppOutput()
    {
        Assert.StartsWith(AppContext.BaseDirectory, LoadedShimPath(), StringComparison.Ordinal);
    }

    private static string LoadedShimPath() =>
        Assert.Single(MappedFilesAfterTorchLoads(), file => Path.GetFileName(file) == ShimFileName);

    /// <summary>Loads TorchSharp's natives by making a tensor, then lists the files mapped into this process.</summary>
    private static string[] MappedFilesAfterTorchLoads()
    {
        using Tensor probe = ones(1);

        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var start and >= 0 ? line[start..] : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }
}
