using System.Text.Json;
using LeWm.Audio.IO;

namespace LeWm.Cli.Tests;

/// <summary><c>--model</c> given an exported ONNX folder (<c>lewm export onnx --model</c>): the same results as the checkpoint.</summary>
public sealed class OnnxModelCommandTests(TinyCheckpointFixture checkpoint) : IClassFixture<TinyCheckpointFixture>
{
    [Fact]
    public async Task ReconstructPredictAndSynthesize_OnnxFolder_MatchTheCheckpoint()
    {
        string onnx = CliRun.TempPath(string.Empty);
        CliRun export = await CliRun.RunAsync("export", "onnx", "--model", checkpoint.Model, "-o", onnx);
        Assert.True(export.ExitCode == 0, export.Error);

        float[] torchMel = await RunToNpyAsync("reconstruct", checkpoint.Model);
        float[] onnxMel = await RunToNpyAsync("reconstruct", onnx);
        float[] torchPredicted = await RunToNpyAsync("predict", checkpoint.Model, "--text", "A gliding tone.");
        float[] onnxPredicted = await RunToNpyAsync("predict", onnx, "--text", "A gliding tone.");
        Assert.Equal(torchMel.Length, onnxMel.Length);
        Assert.True(torchMel.Zip(onnxMel, (a, b) => Math.Abs(a - b)).Max() <= 1e-3f);
        Assert.Equal(torchPredicted.Length, onnxPredicted.Length);
        Assert.True(torchPredicted.Zip(onnxPredicted, (a, b) => Math.Abs(a - b)).Max() <= 1e-3f);

        CliRun torchSpeech = await CliRun.RunAsync("synthesize", "--model", checkpoint.Model, "--text", "Namaste.", "-o", CliRun.TempPath(".wav"), "--seed", "3", "--json");
        CliRun onnxSpeech = await CliRun.RunAsync("synthesize", "--model", onnx, "--text", "Namaste.", "-o", CliRun.TempPath(".wav"), "--seed", "3", "--json");
        Assert.True(torchSpeech.ExitCode == 0, torchSpeech.Error);
        Assert.True(onnxSpeech.ExitCode == 0, onnxSpeech.Error);
        int torchFrames = LastJson(torchSpeech).GetProperty("latent_frames").GetInt32();
        int onnxFrames = LastJson(onnxSpeech).GetProperty("latent_frames").GetInt32();
        Assert.InRange(onnxFrames, torchFrames - 1, torchFrames + 1);
    }

    private async Task<float[]> RunToNpyAsync(string command, string model, params string[] extra)
    {
        string output = CliRun.TempPath(".npy");
        CliRun run = await CliRun.RunAsync([command, "--model", model, "--input", checkpoint.Wav, "-o", output, .. extra]);
        Assert.True(run.ExitCode == 0, run.Error);
        return NpyFile.Read(output).Data;
    }

    private static JsonElement LastJson(CliRun run) => JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]).RootElement.Clone();
}
