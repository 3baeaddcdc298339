using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeWm.Checkpoints;
using LeWm.Inference;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Losses;
using LeWm.Model.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Checkpoints;

public sealed class LeWmCheckpointTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lewm-model-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Folder(string name) => Path.Combine(_root, name);

    private string SaveTiny(string name, LeWmConfig? config = null, IReadOnlyList<SpeakerInfo>? speakers = null)
    {
        string folder = Folder(name);
        config ??= LeWmConfig.Tiny;
        using var network = new LeWmNetwork(config);
        LeWmCheckpoint.Save(folder, network, config, speakers ?? []);
        return folder;
    }

    private static double[] Losses(LeWmNetwork network)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(1234);
        Tensor ids = randint(0, 256, [2, 7], dtype: ScalarType.Int64, generator: generator);
        Tensor textLengths = tensor(new long[] { 7, 5 });
        Tensor mel = randn([2, 100, 24], generator: generator);
        Tensor melLengths = tensor(new long[] { 24, 17 });
        using IDisposable noGrad = no_grad();
        LeWmLosses losses = network.ComputeLosses(new LeWmBatch(ids, textLengths, mel, melLengths));
        return [losses.Prediction.item<float>(), losses.Kl.item<float>(), losses.Recon.item<float>(), losses.Spectral.item<float>(), losses.Stop.item<float>()];
    }

    [Fact]
    public void Load_AfterSaveOfTiny_GivesIdenticalWeightsAndLosses()
    {
        manual_seed(11);
        using var original = new LeWmNetwork(LeWmConfig.Tiny);
        original.eval();
        string folder = Folder("roundtrip");
        LeWmCheckpoint.Save(folder, original, LeWmConfig.Tiny, []);

        (LeWmNetwork loaded, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(folder);
        using (loaded)
        {
            Assert.Equal(LeWmConfig.Tiny, info.Config);
            Assert.Equal(1, info.FormatVersion);
            Assert.Equal(LeWmCheckpoint.NoTextNormalizer, info.TextNormalizerVersion);
            Assert.Empty(info.Speakers);
            Assert.Equal(Path.Combine(Path.GetFullPath(folder), "model.safetensors"), info.WeightsPath);
            Dictionary<string, Tensor> expected = original.state_dict();
            Dictionary<string, Tensor> actual = loaded.state_dict();
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach ((string key, Tensor value) in expected)
            {
                Assert.True(value.eq(actual[key]).all().item<bool>(), $"tensor '{key}' differs after the round trip");
            }

            Assert.Equal(Losses(original), Losses(loaded));
        }
    }

    [Fact]
    public void Save_Tiny_WritesFloat32SafetensorsWithFormatPtMetadata()
    {
        string folder = SaveTiny("metadata");
        string weights = Path.Combine(folder, "model.safetensors");

        Assert.Equal("pt", StateDictFile.ReadSafetensorsMetadata(weights)["format"]);
        byte[] bytes = File.ReadAllBytes(weights);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        Assert.Equal("pt", header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
        foreach (JsonProperty tensorEntry in header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"))
        {
            Assert.Equal("F32", tensorEntry.Value.GetProperty("dtype").GetString());
        }
    }

    [Theory]
    [InlineData("none")]
    [InlineData("lewm-nfc-ws-1")]
    [InlineData(TextNormalizer.Version)]
    public void Load_AnyTextNormalizerVersion_LoadsAndReportsIt(string version)
    {
        string folder = Folder("normalizer");
        using (var network = new LeWmNetwork(LeWmConfig.Tiny))
        {
            LeWmCheckpoint.Save(folder, network, LeWmConfig.Tiny, [], version);
        }

        JsonObject json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        Assert.Equal(version, json["text_normalizer_version"]!.GetValue<string>());

        (LeWmNetwork loaded, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(folder);
        loaded.Dispose();
        Assert.Equal(version, info.TextNormalizerVersion);
        Assert.Equal(version, LeWmCheckpoint.ReadInfo(folder).TextNormalizerVersion);
    }

    [Fact]
    public void Save_WithSpeakers_WritesConfigFieldsAndLoadReadsThemBack()
    {
        LeWmConfig config = LeWmConfig.Tiny with { NSpeakers = 2 };
        string folder = SaveTiny("speakers", config, [new SpeakerInfo(1, "Bela"), new SpeakerInfo(0, "Asha")]);

        JsonObject json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        Assert.Equal(1, json["format_version"]!.GetValue<int>());
        Assert.Equal("none", json["text_normalizer_version"]!.GetValue<string>());
        Assert.Equal(2, json["n_speakers"]!.GetValue<int>());
        Assert.Equal("Asha", json["speakers"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(config, LeWmConfig.FromJson(json.ToJsonString()));

        (LeWmNetwork network, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(folder);
        network.Dispose();
        Assert.Equal([new SpeakerInfo(0, "Asha"), new SpeakerInfo(1, "Bela")], info.Speakers);
        Assert.Equal(config, info.Config);
    }

    [Fact]
    public void Save_TwiceIntoOneFolder_LeavesOnlyConfigAndWeights()
    {
        string folder = SaveTiny("clean");
        SaveTiny("clean");

        string[] names = [.. Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["config.json", "model.safetensors"], names);
    }

    [Fact]
    public void Save_ConfigOfAnotherArchitecture_ThrowsArgumentException()
    {
        using var network = new LeWmNetwork(LeWmConfig.Tiny);

        var ex = Assert.Throws<ArgumentException>(() => LeWmCheckpoint.Save(Folder("other"), network, LeWmConfig.Base, []));
        Assert.Equal("config", ex.ParamName);
        Assert.False(Directory.Exists(Folder("other")));
    }

    [Fact]
    public void Save_SpeakerIdOutsideTable_ThrowsNamingTheId()
    {
        using var network = new LeWmNetwork(LeWmConfig.Tiny);

        var ex = Assert.Throws<ArgumentException>(() => LeWmCheckpoint.Save(Folder("badspeaker"), network, LeWmConfig.Tiny, [new SpeakerInfo(3, "x")]));
        Assert.Contains("speaker id 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsNamingTheFolder()
    {
        string folder = Folder("absent");

        var ex = Assert.Throws<CheckpointFormatException>(() => LeWmCheckpoint.Load(folder));
        Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingConfig_ThrowsNamingConfigJson()
    {
        string folder = SaveTiny("noconfig");
        File.Delete(Path.Combine(folder, "config.json"));

        var ex = Assert.Throws<CheckpointFormatException>(() => LeWmCheckpoint.Load(folder));
        Assert.Contains("config.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingWeights_ThrowsNamingModelSafetensors()
    {
        string folder = SaveTiny("noweights");
        File.Delete(Path.Combine(folder, "model.safetensors"));

        var ex = Assert.Throws<CheckpointFormatException>(() => LeWmCheckpoint.Load(folder));
        Assert.Contains("model.safetensors", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedWeights_ThrowsNamingTheFile()
    {
        string folder = SaveTiny("truncated");
        string weights = Path.Combine(folder, "model.safetensors");
        byte[] bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var ex = Assert.Throws<CheckpointFormatException>(() => LeWmCheckpoint.Load(folder));
        Assert.Contains(weights, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigWhoseShapesDifferFromWeights_ThrowsNamingKeyAndFile()
    {
        string folder = SaveTiny("mismatch");
        string wider = SaveTiny("wider", LeWmConfig.Tiny with { FfDim = 512 });
        File.Copy(Path.Combine(wider, "config.json"), Path.Combine(folder, "config.json"), overwrite: true);

        var ex = Assert.Throws<CheckpointFormatException>(() => LeWmCheckpoint.Load(folder));
        Assert.Contains(Path.Combine(folder, "model.safetensors"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("Tensor '", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[256, 128]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigOfBasePresetOverTinyWeights_ThrowsCheckpointFormatException()
    {
        string folder = SaveTiny("presets");
        JsonObject json = JsonNode.Parse(LeWmConfig.Base.ToJson())!.AsObject();
        json["format_version"] = 1;
        File.WriteAllText(Path.Combine(folder, "config.json"), json.ToJsonString());

        var ex = Assert.Throws<CheckpointFormatException>(() => LeWmCheckpoint.Load(folder));
        Assert.Contains("model.safetensors", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NewerFormatVersion_ThrowsSayingSo()
    {
        string folder = SaveTiny("newer");
        string configPath = Path.Combine(folder, "config.json");
        JsonObject json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["format_version"] = 2;
        File.WriteAllText(configPath, json.ToJsonString());

        var ex = Assert.Throws<CheckpointFormatException>(() => LeWmCheckpoint.Load(folder));
        Assert.Contains("format_version 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("newer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidConfigValue_ThrowsModelConfigurationExceptionNamingFileAndField()
    {
        string folder = SaveTiny("invalid");
        string configPath = Path.Combine(folder, "config.json");
        JsonObject json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["heads"] = 3;
        File.WriteAllText(configPath, json.ToJsonString());

        var ex = Assert.Throws<ModelConfigurationException>(() => LeWmCheckpoint.Load(folder));
        Assert.Contains(configPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("heads", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PyTorchModelBinInPlaceOfSafetensors_LoadsIt()
    {
        string folder = SaveTiny("bin");
        File.Move(Path.Combine(folder, "model.safetensors"), Path.Combine(folder, "pytorch_model.bin"));

        (LeWmNetwork network, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(folder);
        network.Dispose();
        Assert.EndsWith("pytorch_model.bin", info.WeightsPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReferenceFixtureWithoutFormatVersion_ReadsAsVersion1()
    {
        (LeWmNetwork network, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(ModelFixture.PathOf("tiny"));
        network.Dispose();
        Assert.Equal(1, info.FormatVersion);
        Assert.True(LeWmCheckpoint.SharesWeightLayout(info.Config, LeWmConfig.Tiny));
    }
}
