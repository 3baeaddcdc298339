namespace LeWm.Samples.Tests;

/// <summary>Runs samples/OnnxOnly: speech on ONNX Runtime with no TorchSharp in the app.</summary>
public sealed class OnnxOnlySampleTests
{
    [Fact]
    public async Task Run_TextAndOutput_WritesAudibleWavWithNoTorchSharpBesideTheApp()
    {
        using SampleApp app = SampleApp.Find("OnnxOnly");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(4), "नमस्ते, आप कैसे हैं?", "onnx.wav");

        run.AssertSucceeded();
        SpeechFile.AssertAudible(app.PathOf("onnx.wav"), TimeSpan.FromSeconds(0.3));
        Assert.Contains("on ONNX Runtime", run.Output, StringComparison.Ordinal);
        string folder = Path.GetDirectoryName(app.Dll)!;
        Assert.Empty(Directory.EnumerateFiles(folder, "*orch*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Run_MissingModelFolder_ExitsOneWithTheReason()
    {
        using SampleApp app = SampleApp.Find("OnnxOnly");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(2), "नमस्ते", "x.wav", "--model", "no-such-folder");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no-such-folder", run.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(app.PathOf("x.wav")));
    }
}
