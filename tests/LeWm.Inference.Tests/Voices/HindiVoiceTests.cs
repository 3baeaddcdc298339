using System.Text.Json.Nodes;
using LeWm.Audio;
using LeWm.Audio.Wav;
using LeWm.Inference.Tests.Engine;
using LeWm.Vocos;
using LeWm.Voices.Hindi;

namespace LeWm.Inference.Tests.Voices;

public sealed class HindiVoiceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lewm-voice-tests", Guid.NewGuid().ToString("N"));

    public HindiVoiceTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // The voice samples (its sampling_temperature); a fixed seed makes two renderings comparable.
    /// <summary>The shipped voice's <c>config.json</c> (its ONNX export's configuration).</summary>
    private static JsonNode VoiceConfig() => JsonNode.Parse(File.ReadAllText(Path.Combine(HindiVoice.DirectoryPath, "config.json")))!;

    private static readonly SynthesisOptions s_short = new() { ExactLatentFrames = 6, Seed = 7 };

    [Fact]
    public async Task UseDefaultVoice_QuickStart_WritesNonEmpty24kHzWav()
    {
        string path = Path.Combine(_root, "hello.wav");

        await using var tts = TtsEngine.CreateBuilder().UseDefaultVoice().Build();
        var speech = await tts.SynthesizeAsync("नमस्ते, आप कैसे हैं?");
        await speech.SaveWavAsync(path);

        AudioClip clip = WavReader.Read(path);
        Assert.Equal(24_000, clip.SampleRate);
        Assert.True(clip.Length > 0);
        Assert.Equal(speech.Samples.Length, clip.Length);
        Assert.Contains(clip.Samples.ToArray(), s => s != 0);
        Assert.IsType<GriffinLimVocoder>(tts.Vocoder);
    }

    [Fact]
    public void VoicePackage_RunsOnOnnxRuntime_WithoutReferencingTorchSharp()
    {
        string[] references = [.. typeof(HindiVoice).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty)];

        Assert.Contains("LeWm.Onnx", references);
        Assert.DoesNotContain(references, name => name.StartsWith("TorchSharp", StringComparison.Ordinal) || name == "LeWm.Model");
    }

    [Fact]
    public async Task UseDefaultVoice_RequestWithoutSpeaker_SpeaksAsSpeakerZero()
    {
        await using TtsEngine tts = TtsEngine.CreateBuilder().UseDefaultVoice().Build();

        SpeechResult unnamed = await tts.SynthesizeAsync("नमस्ते", s_short);
        SpeechResult zero = await tts.SynthesizeAsync("नमस्ते", s_short with { Speaker = 0 });
        SpeechResult one = await tts.SynthesizeAsync("नमस्ते", s_short with { Speaker = 1 });

        // Same speaker: equal up to float reordering across threads; another speaker: clearly different.
        float tolerance = 1e-4f * Math.Max(1f, zero.Samples.Max(Math.Abs));
        Assert.Equal(zero.Samples.Length, unnamed.Samples.Length);
        Assert.True(EngineFixture.MaxAbsDifference(zero.Samples, unnamed.Samples) <= tolerance);
        Assert.True(EngineFixture.MaxAbsDifference(one.Samples, unnamed.Samples) > tolerance);
    }

    [Fact]
    public async Task UseDefaultVoice_VocoderChosenBeforeOrAfter_IsKept()
    {
        await using TtsEngine before = TtsEngine.CreateBuilder().UseVocoder(EngineFixture.SmallVocos()).UseDefaultVoice().Build();
        await using TtsEngine after = TtsEngine.CreateBuilder().UseDefaultVoice().UseVocoder(EngineFixture.SmallVocos()).Build();

        Assert.IsType<VocosVocoder>(before.Vocoder);
        Assert.IsType<VocosVocoder>(after.Vocoder);
    }

    [Fact]
    public async Task Speakers_MatchTheEngineAndConfigJson_WithSpeakerZeroTheDefault()
    {
        IReadOnlyList<SpeakerDescriptor> speakers = HindiVoice.Speakers;
        JsonArray table = VoiceConfig()["speakers"]!.AsArray();

        Assert.NotEmpty(speakers);
        Assert.Equal(table.Select(s => new SpeakerDescriptor(s!["id"]!.GetValue<int>(), s["name"]!.GetValue<string>())), speakers);
        Assert.Equal(0, HindiVoice.DefaultSpeaker);
        Assert.Equal(new SpeakerDescriptor(0, "hi"), speakers[0]);
        await using TtsEngine tts = TtsEngine.CreateBuilder().UseDefaultVoice().Build();
        Assert.Equal(speakers, tts.Model.Speakers);
    }

    [Fact]
    public async Task UseDefaultVoice_SamplesAtTheVoicesOwnTemperature_AndAnExplicitZeroIsGreedy()
    {
        double recorded = VoiceConfig()["sampling_temperature"]!.GetValue<double>();
        await using TtsEngine tts = TtsEngine.CreateBuilder().UseDefaultVoice().Build();

        SpeechResult seven = await tts.SynthesizeAsync("नमस्ते", s_short);
        SpeechResult eight = await tts.SynthesizeAsync("नमस्ते", s_short with { Seed = 8 });
        SpeechResult greedySeven = await tts.SynthesizeAsync("नमस्ते", s_short with { Temperature = 0 });
        SpeechResult greedyEight = await tts.SynthesizeAsync("नमस्ते", s_short with { Temperature = 0, Seed = 8 });

        Assert.True(recorded > 0);
        Assert.Equal(recorded, tts.Model.DefaultTemperature);
        float tolerance = 1e-4f * Math.Max(1f, greedySeven.Samples.Max(Math.Abs));
        Assert.True(EngineFixture.MaxAbsDifference(seven.Samples, eight.Samples) > tolerance);
        Assert.True(EngineFixture.MaxAbsDifference(greedySeven.Samples, greedyEight.Samples) <= tolerance);
    }

    [Fact]
    public void DirectoryPath_IsVoicesHindiBesideTheApplication_HoldingTheOnnxExport()
    {
        string folder = HindiVoice.DirectoryPath;

        Assert.Equal(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "voices", "hindi")), folder);
        foreach (string file in s_onnxFiles)
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        }

        Assert.Equal("lewm", VoiceConfig()["kind"]!.GetValue<string>());
    }

    [Fact]
    public void CheckpointDirectoryPath_IsTheCheckpointSubfolder_WithTheSameConfiguration()
    {
        string folder = HindiVoice.CheckpointDirectoryPath;

        Assert.Equal(Path.Combine(HindiVoice.DirectoryPath, "checkpoint"), folder);
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
        JsonNode exported = VoiceConfig();
        JsonNode checkpoint = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        foreach (string key in new[] { "d_model", "heads", "predictor_layers", "latent_size", "n_mels", "downsample", "n_speakers", "text_normalizer_version" })
        {
            Assert.Equal(checkpoint[key]?.ToJsonString(), exported[key]?.ToJsonString());
        }

        Assert.Equal(checkpoint["speakers"]!.ToJsonString(), exported["speakers"]!.ToJsonString());
    }

    [Fact]
    public void Locate_EmptyFolder_ThrowsNamingEveryFileAndThePackage()
    {
        var e = Assert.Throws<FileNotFoundException>(() => HindiVoice.Locate([_root]));

        string folder = Path.Combine(_root, "voices", "hindi");
        foreach (string file in s_onnxFiles)
        {
            Assert.Contains(Path.Combine(folder, file), e.Message, StringComparison.Ordinal);
        }

        Assert.Contains("LeWm.Voices.Hindi", e.Message, StringComparison.Ordinal);
        Assert.Contains("UseOnnx(dir)", e.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(folder, "config.json"), e.FileName);
    }

    [Fact]
    public void Locate_AGraphMissing_NamesOnlyThatGraph()
    {
        string folder = WriteOnnxFolder(_root);
        File.Delete(Path.Combine(folder, "predictor_step.onnx"));

        var e = Assert.Throws<FileNotFoundException>(() => HindiVoice.Locate([_root]));

        Assert.Contains("predictor_step.onnx", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("text_encoder.onnx", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("config.json'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_SecondBaseHoldsTheVoice_ReturnsIt()
    {
        string complete = Path.Combine(_root, "app");
        string folder = WriteOnnxFolder(complete);

        Assert.Equal(folder, HindiVoice.Locate([Path.Combine(_root, "empty"), complete]));
    }

    private static readonly string[] s_onnxFiles =
        ["config.json", "text_encoder.onnx", "predictor_step.onnx", "audio_encoder.onnx", "mel_decoder.onnx"];

    private static string WriteOnnxFolder(string baseDirectory)
    {
        string folder = Path.Combine(baseDirectory, "voices", "hindi");
        Directory.CreateDirectory(folder);
        foreach (string file in s_onnxFiles)
        {
            File.WriteAllText(Path.Combine(folder, file), "{}");
        }

        return folder;
    }

    [Fact]
    public void UseDefaultVoice_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>(() => HindiVoiceBuilderExtensions.UseDefaultVoice(null!));
}
