namespace LeWm.Samples.Tests;

/// <summary>Runs samples/HelloSpeech, the README's quick start.</summary>
public sealed class HelloSpeechSampleTests
{
    [Fact]
    public async Task Run_NoArguments_WritesAudibleHelloWavAndExitsZero()
    {
        using SampleApp app = SampleApp.Find("HelloSpeech");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(4));

        run.AssertSucceeded();
        SpeechFile.AssertAudible(app.PathOf("hello.wav"), TimeSpan.FromSeconds(0.3));
        Assert.Contains("hello.wav", run.Output, StringComparison.Ordinal);
    }
}
