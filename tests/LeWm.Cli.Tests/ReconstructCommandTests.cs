using System.Text.Json;
using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Audio.Wav;

namespace LeWm.Cli.Tests;

public sealed class ReconstructCommandTests(TinyCheckpointFixture checkpoint) : IClassFixture<TinyCheckpointFixture>
{
    [Fact]
    public async Task Reconstruct_WavToNpy_WritesMelOfFourFramesPerLatent()
    {
        string output = CliRun.TempPath(".npy");

        CliRun run = await CliRun.RunAsync("reconstruct", "--model", checkpoint.Model, "--input", checkpoint.Wav, "-o", output, "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        NpyArray mel = NpyFile.Read(output);
        Assert.Equal(2, mel.Shape.Length);
        Assert.Equal(100, mel.Shape[0]);
        using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        int latents = json.RootElement.GetProperty("latent_frames").GetInt32();
        Assert.Equal(latents * 4, mel.Shape[1]); // the tiny preset's downsample
        Assert.InRange(mel.Shape[1], 75, 80); // 0.8 s: 76 mel frames, rounded up to whole latents
        Assert.All(mel.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public async Task Reconstruct_NpyToWav_VocodesWithGriffinLim()
    {
        string mel = CliRun.TempPath(".npy");
        Assert.Equal(0, (await CliRun.RunAsync("mel", checkpoint.Wav, "-o", mel)).ExitCode);
        string output = CliRun.TempPath(".wav");

        CliRun run = await CliRun.RunAsync("reconstruct", "--model", checkpoint.Model, "--input", mel, "-o", output);

        Assert.True(run.ExitCode == 0, run.Error);
        AudioClip clip = WavReader.Read(output);
        Assert.Equal(24_000, clip.SampleRate);
        Assert.InRange(clip.Duration.TotalSeconds, 0.75, 0.9);
    }

    [Fact]
    public async Task Predict_WavToWav_WritesAudio()
    {
        string output = CliRun.TempPath(".wav");

        CliRun run = await CliRun.RunAsync("predict", "--model", checkpoint.Model, "--input", checkpoint.Wav, "--text", "A gliding tone.", "-o", output);

        Assert.True(run.ExitCode == 0, run.Error);
        AudioClip clip = WavReader.Read(output);
        Assert.Equal(24_000, clip.SampleRate);
        Assert.InRange(clip.Duration.TotalSeconds, 0.75, 0.9);
    }

    [Fact]
    public async Task Predict_NpyToNpy_KeepsTheFrameCount()
    {
        string mel = CliRun.TempPath(".npy");
        Assert.Equal(0, (await CliRun.RunAsync("reconstruct", "--model", checkpoint.Model, "--input", checkpoint.Wav, "-o", mel)).ExitCode);
        string output = CliRun.TempPath(".npy");

        CliRun run = await CliRun.RunAsync("predict", "--model", checkpoint.Model, "--input", mel, "--text", "A gliding tone.", "-o", output);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(NpyFile.Read(mel).Shape, NpyFile.Read(output).Shape);
    }

    [Fact]
    public async Task Predict_EmptyText_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("predict", "--model", checkpoint.Model, "--input", checkpoint.Wav, "--text", " ", "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError("empty");
    }

    [Fact]
    public async Task Reconstruct_MelWithWrongBandCount_ExitsTwo()
    {
        string mel = CliRun.TempPath(".npy");
        NpyFile.Write(mel, new float[80 * 10], 80, 10);

        CliRun run = await CliRun.RunAsync("reconstruct", "--model", checkpoint.Model, "--input", mel, "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError("80 mel bands");
    }

    [Fact]
    public async Task Reconstruct_UnknownInputType_ExitsTwo()
    {
        string input = CliRun.TempPath(".txt");
        await File.WriteAllTextAsync(input, "not audio");

        CliRun run = await CliRun.RunAsync("reconstruct", "--model", checkpoint.Model, "--input", input, "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError(".wav");
    }
}
