namespace LeWm.Samples.Tests;

/// <summary>Runs samples/DependencyInjection: Generic Host, AddLeWmTts, options from appsettings.json, ITextToSpeechClient.</summary>
public sealed class DependencyInjectionSampleTests
{
    [Fact]
    public async Task Run_DefaultSettings_WritesOneAudibleWavPerConfiguredText()
    {
        using SampleApp app = SampleApp.Find("DependencyInjection");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(4));

        run.AssertSucceeded();
        for (int i = 1; i <= 3; i++)
        {
            SpeechFile.AssertAudible(app.PathOf($"narration/narration-{i}.wav"), TimeSpan.FromSeconds(0.3));
        }

        Assert.False(File.Exists(app.PathOf("narration/narration-4.wav")));
        Assert.Contains("Wrote 3 files", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SpeedOutOfRangeOnCommandLine_FailsAtStartNamingTheSetting()
    {
        using SampleApp app = SampleApp.Find("DependencyInjection");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(1), "--Narration:Speed=9");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Narration:Speed must be in [0.25, 4] (got 9)", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(app.PathOf("narration")), "the sample spoke although its options were invalid");
    }

    [Fact]
    public async Task Run_EngineBatchSizeZeroOnCommandLine_FailsNamingTheEngineOptions()
    {
        using SampleApp app = SampleApp.Find("DependencyInjection");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(1), "--LeWmTts:Engine:MaxBatchSize=0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("LeWmTtsOptions are invalid", run.Errors, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(app.WorkingDirectory, "*.wav", SearchOption.AllDirectories));
    }
}
