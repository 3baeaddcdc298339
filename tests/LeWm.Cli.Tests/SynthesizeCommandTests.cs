using System.Text.Json;
using System.Text.Json.Nodes;
using LeWm.Audio;
using LeWm.Audio.Wav;

namespace LeWm.Cli.Tests;

public sealed class SynthesizeCommandTests(TinyCheckpointFixture checkpoint) : IClassFixture<TinyCheckpointFixture>
{
    private static JsonElement LastJson(CliRun run)
    {
        using JsonDocument document = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Synthesize_TinyModel_Writes24kHzWav()
    {
        string output = CliRun.TempPath(".wav");

        CliRun run = await CliRun.RunAsync("synthesize", "--model", checkpoint.Model, "--text", "Hello world.", "-o", output);

        Assert.True(run.ExitCode == 0, run.Error);
        AudioClip clip = WavReader.Read(output);
        Assert.Equal(24_000, clip.SampleRate);
        Assert.True(clip.Length > 0);
        Assert.All(clip.Samples.ToArray(), s => Assert.True(float.IsFinite(s) && Math.Abs(s) <= 1f));
    }

    [Fact]
    public async Task Synthesize_SampleRate16000AndJson_ReportsAndWrites16kHz()
    {
        string output = CliRun.TempPath(".wav");

        CliRun run = await CliRun.RunAsync(
            "synthesize", "--model", checkpoint.Model, "--text", "Namaste.", "-o", output, "--sample-rate", "16000", "--seed", "3", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        JsonElement json = LastJson(run);
        Assert.Equal(16_000, json.GetProperty("sample_rate").GetInt32());
        Assert.Equal(output, json.GetProperty("output").GetString());
        Assert.True(json.GetProperty("latent_frames").GetInt32() >= 1);
        AudioClip clip = WavReader.Read(output);
        Assert.Equal(16_000, clip.SampleRate);
        Assert.Equal(json.GetProperty("samples").GetInt32(), clip.Length);
    }

    [Fact]
    public async Task Synthesize_TextFileWithPromptAndFloat_WritesWav()
    {
        string text = CliRun.TempPath(".txt");
        await File.WriteAllTextAsync(text, "A sentence read from a file.");
        string output = CliRun.TempPath(".wav");

        CliRun run = await CliRun.RunAsync(
            "synthesize", "--model", checkpoint.Model, "--text-file", text, "--prompt", checkpoint.Wav, "--float", "-o", output);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(24_000, WavReader.Read(output).SampleRate);
        Assert.Equal(3, BitConverter.ToUInt16(File.ReadAllBytes(output), 20)); // WAVE_FORMAT_IEEE_FLOAT
    }

    [Fact]
    public async Task Synthesize_MissingModelFolder_ExitsTwoWithOneLine()
    {
        string missing = CliRun.TempPath(string.Empty);

        CliRun run = await CliRun.RunAsync("synthesize", "--model", missing, "--text", "Hello.", "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError(missing);
    }

    [Fact]
    public async Task Synthesize_WithoutModel_SpeaksWithTheDefaultVoiceAsSpeakerZero()
    {
        string output = CliRun.TempPath(".wav");
        string zero = CliRun.TempPath(".wav");
        string one = CliRun.TempPath(".wav");
        string voice = Path.Combine(AppContext.BaseDirectory, "voices", "hindi");

        CliRun run = await CliRun.RunAsync("synthesize", "--text", "नमस्ते, आप कैसे हैं?", "-o", output, "--json");
        CliRun asZero = await CliRun.RunAsync("synthesize", "--model", voice, "--speaker", "0", "--text", "नमस्ते, आप कैसे हैं?", "-o", zero);
        CliRun asOne = await CliRun.RunAsync("synthesize", "--model", voice, "--speaker", "1", "--text", "नमस्ते, आप कैसे हैं?", "-o", one);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(asZero.ExitCode == 0 && asOne.ExitCode == 0, asZero.Error + asOne.Error);
        AudioClip clip = WavReader.Read(output);
        Assert.Equal(24_000, clip.SampleRate);
        Assert.True(clip.Length > 0);
        Assert.Equal(LastJson(run).GetProperty("samples").GetInt32(), clip.Length);
        AudioClip zeroClip = WavReader.Read(zero), oneClip = WavReader.Read(one);
        Assert.Equal(zeroClip.Length, clip.Length);
        Assert.True(oneClip.Length != clip.Length || Distance(clip, zeroClip) < Distance(clip, oneClip));
    }

    [Fact]
    public async Task Synthesize_CudaWithTheCpuOnnxRuntime_ExitsTwoNamingTheGpuPackage()
    {
        // lewm brings ONNX Runtime's CPU package; CUDA needs a build with Microsoft.ML.OnnxRuntime.Gpu (and a GPU).
        CliRun run = await CliRun.RunAsync("synthesize", "--text", "नमस्ते", "-o", CliRun.TempPath(".wav"), "--device", "cuda");

        run.AssertOneLineError("Microsoft.ML.OnnxRuntime.Gpu");
    }

    [Fact]
    public async Task Synthesize_ListSpeakersWithoutModel_PrintsTheDefaultVoicesSpeakersByName()
    {
        string voice = Path.Combine(AppContext.BaseDirectory, "voices", "hindi");
        JsonArray table = JsonNode.Parse(File.ReadAllText(Path.Combine(voice, "config.json")))!["speakers"]!.AsArray();

        CliRun text = await CliRun.RunAsync("synthesize", "--list-speakers");
        CliRun json = await CliRun.RunAsync("synthesize", "--list-speakers", "--json");

        Assert.True(text.ExitCode == 0, text.Error);
        string[] lines = text.Output.TrimEnd().Split('\n');
        Assert.Equal(table.Count, lines.Length);
        Assert.Equal("0\thi\t(default)", lines[0]);
        Assert.Equal(table.Select(s => $"{s!["id"]}\t{s["name"]}"), lines.Select(l => string.Join('\t', l.Split('\t').Take(2))));
        Assert.True(json.ExitCode == 0, json.Error);
        JsonElement last = LastJson(json);
        Assert.Equal(0, last.GetProperty("default_speaker").GetInt32());
        Assert.Equal(table.Select(s => s!["name"]!.GetValue<string>()), last.GetProperty("speakers").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Synthesize_ListSpeakersOfSingleSpeakerModel_SaysSo()
    {
        CliRun run = await CliRun.RunAsync("synthesize", "--model", checkpoint.Model, "--list-speakers", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, LastJson(run).GetProperty("speakers").GetArrayLength());
        Assert.False(LastJson(run).TryGetProperty("default_speaker", out _));
    }

    [Fact]
    public async Task Synthesize_WithoutOutput_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("synthesize", "--text", "Hello.");

        run.AssertOneLineError("--output");
    }

    private static double Distance(AudioClip a, AudioClip b)
    {
        float[] x = a.Samples.ToArray(), y = b.Samples.ToArray();
        return x.Zip(y, (p, q) => Math.Abs((double)p - q)).Sum();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t ")]
    public async Task Synthesize_EmptyText_ExitsTwo(string text)
    {
        CliRun run = await CliRun.RunAsync("synthesize", "--model", checkpoint.Model, "--text", text, "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError("empty");
    }

    [Fact]
    public async Task Synthesize_TextFileWithInvalidUtf8_ExitsTwo()
    {
        string text = CliRun.TempPath(".txt");
        await File.WriteAllBytesAsync(text, [0x48, 0x69, 0xFF, 0xFE, 0x21]);

        CliRun run = await CliRun.RunAsync("synthesize", "--model", checkpoint.Model, "--text-file", text, "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError("not valid UTF-8");
    }

    [Fact]
    public async Task Synthesize_BadSampleRate_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync(
            "synthesize", "--model", checkpoint.Model, "--text", "Hello.", "--sample-rate", "12345", "-o", CliRun.TempPath(".wav"));

        run.AssertOneLineError("12345");
    }

    [Fact]
    public async Task Synthesize_NonWavOutput_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("synthesize", "--model", checkpoint.Model, "--text", "Hello.", "-o", CliRun.TempPath(".mp3"));

        run.AssertOneLineError(".wav");
    }
}
