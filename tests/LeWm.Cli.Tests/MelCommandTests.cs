using System.Text.Json;
using LeWm.Audio.IO;
using LeWm.Audio.Mel;
using LeWm.Audio.Wav;

namespace LeWm.Cli.Tests;

public sealed class MelCommandTests
{
    private static string WriteWav(int samples, int sampleRate)
    {
        string path = CliRun.TempPath(".wav");
        float[] x = Enumerable.Range(0, samples).Select(i => 0.3f * MathF.Sin(i * 0.07f)).ToArray();
        WavWriter.Write(path, x, sampleRate);
        return path;
    }

    [Fact]
    public async Task Mel_WavAt24k_WritesNpyOf100ByFramesEqualToTheLibrary()
    {
        string wav = WriteWav(24_000, 24_000);
        string npy = CliRun.TempPath(".npy");

        CliRun run = await CliRun.RunAsync("mel", wav, "-o", npy);

        Assert.Equal(0, run.ExitCode);
        NpyArray written = NpyFile.Read(npy);
        LogMel expected = new MelSpectrogram().Compute(WavReader.Read(wav));
        Assert.Equal(new[] { 100, 94 }, written.Shape);
        Assert.Equal(expected.Values, written.Data);
    }

    [Fact]
    public async Task Mel_WavAt16k_IsResampledTo24kFrames()
    {
        string wav = WriteWav(16_000, 16_000);
        string npy = CliRun.TempPath(".npy");

        CliRun run = await CliRun.RunAsync("mel", wav, "-o", npy, "--json");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        Assert.Equal(94, json.RootElement.GetProperty("frames").GetInt32());
        Assert.Equal(new[] { 100, 94 }, NpyFile.Read(npy).Shape);
    }

    [Fact]
    public async Task Mel_MissingFile_ExitsTwoWithOneLineNamingThePath()
    {
        CliRun run = await CliRun.RunAsync("mel", "/no/such.wav", "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError("/no/such.wav");
    }

    [Fact]
    public async Task Mel_TextFileNamedWav_ExitsTwoSayingNotAWavFile()
    {
        string path = CliRun.TempPath(".wav");
        await File.WriteAllTextAsync(path, "just text, not audio at all, promise");

        CliRun run = await CliRun.RunAsync("mel", path, "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError("not a WAV file");
    }

    [Fact]
    public async Task Mel_TruncatedWav_ExitsTwoSayingTruncated()
    {
        string wav = WriteWav(24_000, 24_000);
        byte[] bytes = await File.ReadAllBytesAsync(wav);
        await File.WriteAllBytesAsync(wav, bytes[..5000]);

        CliRun run = await CliRun.RunAsync("mel", wav, "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError("truncated");
    }

    [Fact]
    public async Task Mel_ZeroSampleRate_ExitsTwoNamingTheRate()
    {
        string wav = WriteWav(24_000, 24_000);
        byte[] bytes = await File.ReadAllBytesAsync(wav);
        bytes[24] = bytes[25] = bytes[26] = bytes[27] = 0;
        await File.WriteAllBytesAsync(wav, bytes);

        CliRun run = await CliRun.RunAsync("mel", wav, "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError("sample rate of 0 Hz");
    }

    [Fact]
    public async Task Mel_ClipShorterThanOneWindow_ExitsTwoSayingHowLongItMustBe()
    {
        string wav = WriteWav(400, 24_000);

        CliRun run = await CliRun.RunAsync("mel", wav, "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError("513 samples");
    }

    [Fact]
    public async Task Mel_NoOutputOption_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("mel", WriteWav(24_000, 24_000));

        run.AssertOneLineError("--output");
    }

    [Fact]
    public async Task Mel_FailedRun_LeavesNoOutputFile()
    {
        string npy = CliRun.TempPath(".npy");
        await CliRun.RunAsync("mel", "/no/such.wav", "-o", npy);

        Assert.False(File.Exists(npy));
    }

    [Fact]
    public async Task BenchMel_Json_ReportsTheContractFields()
    {
        CliRun run = await CliRun.RunAsync("bench", "mel", "--seconds", "1", "--iterations", "3", "--json");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        Assert.Equal(1.0, json.RootElement.GetProperty("audio_seconds").GetDouble());
        Assert.True(json.RootElement.GetProperty("median_ms").GetDouble() > 0);
        Assert.True(json.RootElement.GetProperty("realtime_factor").GetDouble() > 0);
    }
}
