using LeWm.Model.Config;
using LeWm.Model.Modules;

namespace LeWm.Model.Tests;

public sealed class LeWmNetworkTests
{
    [Fact]
    public void ParameterCounts_Base_MatchReference()
    {
        using var network = new LeWmNetwork(LeWmConfig.Base);
        IReadOnlyDictionary<string, long> counts = network.ParameterCounts();
        Assert.Equal(3_225_856, counts["text_encoder"]);
        Assert.Equal(3_892_992, counts["audio_encoder"]);
        Assert.Equal(6_453_249, counts["predictor"]);
        Assert.Equal(10_252_900, counts["mel_decoder"]);
        Assert.Equal(23_824_997, counts["total"]);
    }

    [Fact]
    public void ParameterCounts_Tiny_MatchReference()
    {
        using var network = new LeWmNetwork(LeWmConfig.Tiny);
        IReadOnlyDictionary<string, long> counts = network.ParameterCounts();
        Assert.Equal(298_368, counts["text_encoder"]);
        Assert.Equal(451_584, counts["audio_encoder"]);
        Assert.Equal(414_657, counts["predictor"]);
        Assert.Equal(424_548, counts["mel_decoder"]);
        Assert.Equal(1_589_157, counts["total"]);
    }

    [Fact]
    public void ParameterCounts_BaseDownsample2_MatchesArchitectureTable()
    {
        using var network = new LeWmNetwork(LeWmConfig.Base with { Downsample = 2 });
        IReadOnlyDictionary<string, long> counts = network.ParameterCounts();
        Assert.Equal(3_630_592, counts["audio_encoder"]);
        Assert.Equal(6_056_036, counts["mel_decoder"]);
        Assert.Equal(19_365_733, counts["total"]);
    }

    [Fact]
    public void ParameterCounts_Speakers_AddSpeakerTableToTextEncoder()
    {
        using var network = new LeWmNetwork(LeWmConfig.Tiny with { NSpeakers = 3 });
        Assert.Equal(298_368 + (3 * 128), network.ParameterCounts()["text_encoder"]);
        Assert.Contains("text_encoder.speaker.weight", network.state_dict().Keys);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("tiny")]
    public void StateDict_Preset_HasReferenceKeysAndShapes(string preset)
    {
        Dictionary<string, long[]> expected = ModelFixture.Keys(preset);
        LeWmConfig config = preset == "base" ? LeWmConfig.Base : LeWmConfig.Tiny;
        using var network = new LeWmNetwork(config);
        Dictionary<string, long[]> actual = network.state_dict().ToDictionary(p => p.Key, p => p.Value.shape, StringComparer.Ordinal);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, long[] shape) in expected)
        {
            Assert.True(shape.SequenceEqual(actual[key]), $"'{key}' is [{string.Join(", ", actual[key])}]; reference is [{string.Join(", ", shape)}].");
        }
    }

    [Fact]
    public void StateDict_Base_Has268Tensors()
    {
        using var network = new LeWmNetwork(LeWmConfig.Base);
        Assert.Equal(268, network.state_dict().Count);
    }

    [Fact]
    public void Constructor_InvalidConfig_Throws()
    {
        Assert.Throws<ModelConfigurationException>(() => new LeWmNetwork(LeWmConfig.Tiny with { Heads = 3 }));
    }
}
