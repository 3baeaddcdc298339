using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Checkpoints;

public sealed class CheckpointPrecisionTests : IDisposable
{
    private static readonly LeWmConfig s_config = LeWmConfig.Tiny with { NSpeakers = 2 };
    private static readonly SpeakerInfo[] s_speakers = [new(0, "hi"), new(1, "hi-f2")];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lewm-model-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static HashSet<string> StoredDtypes(string weights)
    {
        byte[] bytes = File.ReadAllBytes(weights);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        return [.. header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").Select(p => p.Value.GetProperty("dtype").GetString()!)];
    }

    /// <summary>Saves one network at full precision and at <paramref name="precision"/>; returns both folders.</summary>
    private (string Full, string Reduced) SaveBoth(LeWmNetwork network, CheckpointPrecision precision)
    {
        string full = Path.Combine(_root, "full");
        string reduced = Path.Combine(_root, precision.ToString());
        LeWmCheckpoint.Save(full, network, s_config, s_speakers, "hi-1");
        LeWmCheckpoint.Save(reduced, network, s_config, s_speakers, "hi-1", precision);
        return (full, reduced);
    }

    [Theory]
    [InlineData(CheckpointPrecision.Half, "F16", 11)]
    [InlineData(CheckpointPrecision.BFloat16, "BF16", 8)]
    public void Save_HalfPrecision_LoadsAsFloat32WithinRoundingOfOriginals(CheckpointPrecision precision, string dtype, int significantBits)
    {
        manual_seed(5);
        using var original = new LeWmNetwork(s_config);
        (_, string folder) = SaveBoth(original, precision);

        Assert.Equal([dtype], StoredDtypes(Path.Combine(folder, LeWmCheckpoint.WeightsFileName)));
        (LeWmNetwork loaded, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(folder);
        using (loaded)
        {
            Assert.Equal(s_config, info.Config);
            double bound = Math.Pow(2, -significantBits);
            bool anyRounded = false;
            foreach ((string key, Tensor expected) in original.state_dict())
            {
                using var scope = NewDisposeScope();
                Tensor actual = loaded.state_dict()[key];
                Assert.Equal(ScalarType.Float32, actual.dtype);
                Assert.Equal(expected.shape, actual.shape);
                // Round to nearest: |x̂ − x| ≤ 2^-p · |x| for normal values; a small absolute floor covers subnormals.
                Tensor error = actual.sub(expected).abs();
                Tensor allowed = expected.abs().mul(bound).add(1e-7);
                Assert.True(error.le(allowed).all().item<bool>(), $"'{key}': largest error {error.max().item<float>()} exceeds float rounding");
                anyRounded |= error.max().item<float>() > 0;
            }

            Assert.True(anyRounded, "no weight changed: the file was not stored at reduced precision");
        }
    }

    [Fact]
    public void Save_Half_HalvesTheFileAndKeepsConfigJsonByteForByte()
    {
        manual_seed(6);
        using var network = new LeWmNetwork(s_config);
        (string full, string half) = SaveBoth(network, CheckpointPrecision.Half);

        long fullBytes = new FileInfo(Path.Combine(full, LeWmCheckpoint.WeightsFileName)).Length;
        long halfBytes = new FileInfo(Path.Combine(half, LeWmCheckpoint.WeightsFileName)).Length;
        double ratio = (double)halfBytes / fullBytes;
        Assert.InRange(ratio, 0.49, 0.52);
        Assert.Equal(File.ReadAllBytes(Path.Combine(full, LeWmCheckpoint.ConfigFileName)), File.ReadAllBytes(Path.Combine(half, LeWmCheckpoint.ConfigFileName)));
        LeWmCheckpointInfo info = LeWmCheckpoint.ReadInfo(half);
        Assert.Equal(s_speakers, info.Speakers);
        Assert.Equal("hi-1", info.TextNormalizerVersion);
    }

    [Fact]
    public void Save_Half_WeightBeyondFloat16Range_ThrowsNamingTheTensor()
    {
        using var network = new LeWmNetwork(s_config);
        using (no_grad())
        {
            network.state_dict()["text_encoder.norm.weight"].fill_(1e6f);
        }

        string folder = Path.Combine(_root, "overflow");
        var e = Assert.Throws<ArgumentException>(() => LeWmCheckpoint.Save(folder, network, s_config, s_speakers, precision: CheckpointPrecision.Half));

        Assert.Contains("text_encoder.norm.weight", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, LeWmCheckpoint.ConfigFileName)));
    }

    [Fact]
    public void Save_UndefinedPrecision_ThrowsArgumentOutOfRange()
    {
        using var network = new LeWmNetwork(s_config);

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            LeWmCheckpoint.Save(Path.Combine(_root, "bad"), network, s_config, s_speakers, precision: (CheckpointPrecision)7));
    }
}
