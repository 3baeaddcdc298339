namespace LeWm.Cli.Tests;

/// <summary>Runs the <c>lewm</c> command line in process and captures its output.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await CliApplication.RunAsync(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts exit code 2 and exactly one stderr line, `lewm: error: …` with the fragment, no stack trace.</summary>
    public void AssertOneLineError(string expectedFragment)
    {
        Assert.Equal(2, ExitCode);
        string error = Error.TrimEnd();
        Assert.DoesNotContain('\n', error);
        Assert.StartsWith("lewm: error: ", error, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    public static string TempPath(string extension)
    {
        string folder = Path.Combine(Path.GetTempPath(), "lewm-cli-tests");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, Guid.NewGuid().ToString("N") + extension);
    }
}
