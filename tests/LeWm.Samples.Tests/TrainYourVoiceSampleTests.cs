namespace LeWm.Samples.Tests;

/// <summary>Runs samples/TrainYourVoice: espeak-ng corpus → preprocess → train tiny → synthesize.</summary>
public sealed class TrainYourVoiceSampleTests
{
    [Fact]
    public async Task Run_FiveSteps_TrainsSavesAndWritesTheTrainedVoicesWav()
    {
        using SampleApp app = SampleApp.Find("TrainYourVoice");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(5), "--steps", "5");

        run.AssertSucceeded();
        Assert.Contains("step     5/5", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(app.PathOf("train-your-voice/run/last/model.safetensors")), "the trained checkpoint was not saved");
        Assert.True(File.Exists(app.PathOf("train-your-voice/data/manifest.jsonl")), "the corpus was not preprocessed");
        SpeechFile.AssertAudible(app.PathOf("my-voice.wav"), TimeSpan.FromSeconds(0.3));
    }

    [Fact]
    public async Task Run_ZeroSteps_ExitsTwoWithUsage()
    {
        using SampleApp app = SampleApp.Find("TrainYourVoice");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(1), "--steps", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--steps must be a whole number above zero (got '0')", run.Errors, StringComparison.Ordinal);
        Assert.Contains("usage: TrainYourVoice", run.Errors, StringComparison.Ordinal);
    }
}
