namespace LeWm.Samples.Tests;

/// <summary>The outcome of one run of a sample.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="Output">Everything it printed to standard output.</param>
/// <param name="Errors">Everything it printed to standard error.</param>
/// <param name="Elapsed">The wall-clock time of the run.</param>
internal sealed record SampleRun(int ExitCode, string Output, string Errors, TimeSpan Elapsed)
{
    /// <summary>Asserts exit code 0, showing the output otherwise.</summary>
    public void AssertSucceeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}");
    }
}
