using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace LeWm.Samples.Tests;

/// <summary>
/// One built sample (<c>samples/NAME/bin/CONFIGURATION/…/NAME.dll</c>), run with <c>dotnet NAME.dll</c> in a fresh
/// temporary working folder that is deleted on disposal.
/// </summary>
internal sealed class SampleApp : IDisposable
{
    private SampleApp(string name, string dll)
    {
        Name = name;
        Dll = dll;
        WorkingDirectory = Directory.CreateTempSubdirectory($"lewm-sample-{name}-").FullName;
    }

    /// <summary>Gets the sample's name (its folder under <c>samples/</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the sample's built entry assembly.</summary>
    public string Dll { get; }

    /// <summary>Gets the temporary folder the sample runs in.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Finds the built sample <paramref name="name"/>; fails when the samples were not built in this configuration.</summary>
    public static SampleApp Find(string name)
    {
        string samples = Metadata("SamplesDirectory");
        string configuration = Metadata("SamplesConfiguration");
        string bin = Path.Combine(samples, name, "bin", configuration);
        string? dll = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, name + ".dll", SearchOption.AllDirectories)
                .Where(path => File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
        Assert.True(dll is not null, $"The sample {name} is not built under '{bin}': build the solution (or this test project, which builds the samples) in {configuration}.");
        return new SampleApp(name, dll);
    }

    /// <summary>Gets the full path of <paramref name="relativePath"/> in the working folder.</summary>
    public string PathOf(string relativePath) => Path.Combine(WorkingDirectory, relativePath);

    /// <summary>Runs the sample with <paramref name="arguments"/> and returns its exit code and output.</summary>
    public async Task<SampleRun> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"'{dotnet}' did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{Name} ran longer than {timeout.TotalSeconds:0} s and was stopped. Output so far:\n{await output}\n{await errors}");
        }

        return new SampleRun(process.ExitCode, await output, await errors, clock.Elapsed);
    }

    /// <summary>Deletes the working folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A folder left in the temporary directory is not worth failing a test over.
        }
    }

    private static string Metadata(string key) =>
        typeof(SampleApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata (set by LeWm.Samples.Tests.csproj).");
}
