using System.Text.Json;
using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Audio.Wav;

namespace LeWm.Cli.Tests;

public sealed class VocodeCommandTests
{
    private static string Fixture(string folder) => Path.Combine(AppContext.BaseDirectory, "Fixtures", folder);

    private static string WriteMel(int bands, int frames)
    {
        string path = CliRun.TempPath(".npy");
        NpyFile.Write(path, Enumerable.Range(0, bands * frames).Select(i => -4f + MathF.Sin(i * 0.1f)).ToArray(), bands, frames);
        return path;
    }

    [Fact]
    public async Task Vocode_VocosFolderToNpy_MatchesThePyTorchReference()
    {
        // The fixture's mel is [1, 100, 60]; its reference audio comes from the PyTorch reference (see LeWm.Vocos.Tests).
        string output = CliRun.TempPath(".npy");

        CliRun run = await CliRun.RunAsync(
            "vocode", "--vocoder", Fixture("vocos-small-center"), "--mel", Path.Combine(Fixture("vocos-small-center"), "mel.npy"), "-o", output);

        Assert.Equal(0, run.ExitCode);
        float[] expected = NpyFile.Read(Path.Combine(Fixture("vocos-small-center"), "audio.npy")).Data;
        float[] actual = NpyFile.Read(output).Data;
        Assert.Equal(expected.Length, actual.Length);
        float peak = expected.Max(MathF.Abs);
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= 1e-4f * peak);
    }

    [Fact]
    public async Task Vocode_GriffinLimToWav_Writes24kHzPcm()
    {
        string output = CliRun.TempPath(".wav");

        CliRun run = await CliRun.RunAsync("vocode", "--vocoder", "griffin-lim", "--mel", WriteMel(100, 30), "-o", output, "--json");

        Assert.Equal(0, run.ExitCode);
        AudioClip clip = WavReader.Read(output);
        Assert.Equal(24_000, clip.SampleRate);
        Assert.Equal(256 * 29, clip.Length);
        using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        Assert.Equal(256 * 29, json.RootElement.GetProperty("samples").GetInt32());
    }

    [Fact]
    public async Task Vocode_WrongBandCount_ExitsTwoNamingTheBands()
    {
        CliRun run = await CliRun.RunAsync("vocode", "--vocoder", "griffin-lim", "--mel", WriteMel(80, 30), "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError("80 bands");
    }

    [Fact]
    public async Task Vocode_NaNInMel_ExitsTwo()
    {
        string mel = CliRun.TempPath(".npy");
        float[] values = new float[100 * 10];
        values[3] = float.NaN;
        NpyFile.Write(mel, values, 100, 10);

        CliRun run = await CliRun.RunAsync("vocode", "--vocoder", "griffin-lim", "--mel", mel, "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError("NaN");
    }

    [Fact]
    public async Task Vocode_ZeroLengthMel_ExitsTwo()
    {
        string mel = CliRun.TempPath(".npy");
        NpyFile.Write(mel, [], 100, 0);

        CliRun run = await CliRun.RunAsync("vocode", "--vocoder", "griffin-lim", "--mel", mel, "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError("T > 0");
    }

    [Fact]
    public async Task Vocode_FolderWithoutConfig_ExitsTwoNamingConfigYaml()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lewm-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);

        CliRun run = await CliRun.RunAsync("vocode", "--vocoder", folder, "--mel", WriteMel(100, 10), "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError("config.yaml");
    }

    [Fact]
    public async Task Vocode_MaliciousWeights_ExitsTwoAndRunsNothing()
    {
        File.Delete("/tmp/lewm_pwned");

        CliRun run = await CliRun.RunAsync("vocode", "--vocoder", Fixture("vocos-malicious"), "--mel", WriteMel(100, 10), "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError("system");
        Assert.False(File.Exists("/tmp/lewm_pwned"));
    }
}
