using LeWm.Audio;
using LeWm.Audio.Mel;
using LeWm.Checkpoints;

namespace LeWm.Vocos.Tests;

public sealed class VocosVocoderLoadingTests
{
    private static readonly string[] PublishedKeysOfBlock0 =
    [
        "backbone.convnext.0.gamma", "backbone.convnext.0.dwconv.weight", "backbone.convnext.0.dwconv.bias",
        "backbone.convnext.0.norm.weight", "backbone.convnext.0.norm.bias", "backbone.convnext.0.pwconv1.weight",
        "backbone.convnext.0.pwconv1.bias", "backbone.convnext.0.pwconv2.weight", "backbone.convnext.0.pwconv2.bias",
    ];

    [Fact]
    public void CreateRandom_FullPublishedShape_HasExactlyThePublishedKeysAndShapes()
    {
        using VocosVocoder vocoder = VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 1);
        Dictionary<string, long[]> shapes = vocoder.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        Assert.Equal([1024L], shapes["feature_extractor.mel_spec.spectrogram.window"]);
        Assert.Equal([513L, 100], shapes["feature_extractor.mel_spec.mel_scale.fb"]);
        Assert.Equal([512L, 100, 7], shapes["backbone.embed.weight"]);
        Assert.Equal([512L], shapes["backbone.embed.bias"]);
        Assert.Equal([512L], shapes["backbone.norm.weight"]);
        Assert.Equal([512L, 1, 7], shapes["backbone.convnext.7.dwconv.weight"]);
        Assert.Equal([1536L, 512], shapes["backbone.convnext.7.pwconv1.weight"]);
        Assert.Equal([512L, 1536], shapes["backbone.convnext.7.pwconv2.weight"]);
        Assert.Equal([512L], shapes["backbone.final_layer_norm.bias"]);
        Assert.Equal([1026L, 512], shapes["head.out.weight"]);
        Assert.Equal([1026L], shapes["head.out.bias"]);
        Assert.Equal([1024L], shapes["head.istft.window"]);
        Assert.All(PublishedKeysOfBlock0, key => Assert.Contains(key, shapes.Keys));

        // 2 buffers + embed (2) + norm (2) + 8 × 9 + final norm (2) + head (2 + window) = 83 entries.
        Assert.Equal(83, shapes.Count);
    }

    [Fact]
    public async Task VocodeAsync_FullPublishedShape_GivesHopTimesFramesMinusOneSamples()
    {
        using VocosVocoder vocoder = VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 2);
        var mel = new LogMel(Enumerable.Range(0, 100 * 40).Select(i => -5f + MathF.Sin(i)).ToArray(), 100, 40);

        float[] audio = (await vocoder.VocodeAsync([mel]))[0];

        Assert.Equal(256 * 39, audio.Length);
        Assert.All(audio, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Load_FolderWithoutConfig_ThrowsNamingConfigYaml()
    {
        string folder = VocosFixture.CopyOf("small-center");
        File.Delete(Path.Combine(folder, "config.yaml"));

        var e = Assert.Throws<VocosConfigException>(() => VocosVocoder.Load(folder));
        Assert.Contains("config.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsDirectoryNotFound() =>
        Assert.Throws<DirectoryNotFoundException>(() => VocosVocoder.Load("/no/such/vocos"));

    [Fact]
    public void Load_FolderWithoutWeights_ThrowsNamingTheExpectedFiles()
    {
        string folder = VocosFixture.CopyOf("small-center");
        File.Delete(Path.Combine(folder, "pytorch_model.bin"));

        var e = Assert.Throws<VocosConfigException>(() => VocosVocoder.Load(folder));
        Assert.Contains("pytorch_model.bin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigOfAnotherVocoderType_ThrowsNamingTheClass()
    {
        string folder = VocosFixture.CopyOf("small-center");
        string config = Path.Combine(folder, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace(
            "vocos.feature_extractors.MelSpectrogramFeatures", "vocos.feature_extractors.EncodecFeatures", StringComparison.Ordinal));

        var e = Assert.Throws<VocosConfigException>(() => VocosVocoder.Load(folder));
        Assert.Contains("EncodecFeatures", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigThatDisagreesWithTheWeights_ThrowsNamingTheKeyAndShapes()
    {
        string folder = VocosFixture.CopyOf("small-center");
        string config = Path.Combine(folder, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("intermediate_dim: 192", "intermediate_dim: 200", StringComparison.Ordinal));

        var e = Assert.Throws<CheckpointFormatException>(() => VocosVocoder.Load(folder));
        Assert.Contains("pwconv1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PickleThatCallsOsSystem_IsRefusedBeforeAnythingRuns()
    {
        string marker = "/tmp/lewm_pwned";
        File.Delete(marker);

        var e = Assert.Throws<CheckpointFormatException>(() => VocosVocoder.Load(VocosFixture.Folder("malicious")));

        Assert.Contains("os", e.Message, StringComparison.Ordinal);
        Assert.Contains("system", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("legacy")]
    public void Load_CorruptOrLegacyWeights_ThrowsCheckpointFormatException(string name)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => VocosVocoder.Load(VocosFixture.Folder(name)));
        Assert.Contains("pytorch_model.bin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VocodeAsync_WrongBandCount_ThrowsArgumentException()
    {
        using VocosVocoder vocoder = VocosVocoder.Load(VocosFixture.Folder("small-center"));
        var mel = new LogMel(new float[80 * 10], 80, 10);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => vocoder.VocodeAsync([mel]));
        Assert.Contains("80 bands", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VocodeAsync_NaN_ThrowsAudioFormatException()
    {
        using VocosVocoder vocoder = VocosVocoder.Load(VocosFixture.Folder("small-center"));
        var values = new float[100 * 10];
        values[42] = float.NaN;

        await Assert.ThrowsAsync<AudioFormatException>(() => vocoder.VocodeAsync([new LogMel(values, 100, 10)]));
    }

    [Fact]
    public async Task VocodeAsync_ZeroLengthMel_ThrowsArgumentException()
    {
        using VocosVocoder vocoder = VocosVocoder.Load(VocosFixture.Folder("small-center"));
        await Assert.ThrowsAsync<ArgumentException>(() => vocoder.VocodeAsync([new LogMel([], 100, 0)]));
    }

    [Fact]
    public async Task VocodeAsync_LongMelInChunks_EqualsOneShotWithin1e5OfPeak()
    {
        using VocosVocoder oneShot = VocosVocoder.Load(VocosFixture.Folder("small-center"));
        using VocosVocoder chunked = VocosVocoder.Load(
            VocosFixture.Folder("small-center"), new VocosOptions { ChunkFrames = 24, ChunkContextFrames = 12 });
        LogMel mel = VocosFixture.Mel("small-center");

        float[] expected = (await oneShot.VocodeAsync([mel]))[0];
        float[] actual = (await chunked.VocodeAsync([mel]))[0];

        Assert.Equal(expected.Length, actual.Length);
        float peak = expected.Max(MathF.Abs);
        float worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-5f * peak, $"chunk seam: max |Δ| = {worst} ({worst / peak:E2} of peak)");
    }

    [Fact]
    public async Task Save_ThenLoad_FullPublishedShapeRoundTripsThroughSafetensors()
    {
        string folder = VocosFixture.TempFolder();
        using VocosVocoder original = VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 3);
        original.Save(folder);
        var mel = new LogMel(Enumerable.Range(0, 100 * 20).Select(i => -4f + MathF.Cos(i * 0.3f)).ToArray(), 100, 20);

        using VocosVocoder loaded = VocosVocoder.Load(folder);

        Assert.Equal((await original.VocodeAsync([mel]))[0], (await loaded.VocodeAsync([mel]))[0]);
    }
}
