using System.Text.Json;
using LeWm.Checkpoints;
using LeWm.Model.Checkpoints;
using LeWm.Model.Losses;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Checkpoints;

/// <summary>
/// A folder with <c>config.json</c> + <c>pytorch_model.bin</c> (a real <c>torch.save</c> zip state dict of the
/// reference, key names identical to <c>model.safetensors</c>) loads into <see cref="LeWmNetwork"/> and behaves exactly
/// as the safetensors folder of the same weights. Fixtures: python/fixtures/make_pytorch_bin_fixture.py.
/// </summary>
public sealed class LeWmCheckpointPyTorchTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private static readonly string[] s_terms = ["prediction", "kl", "recon", "spectral", "stop", "total"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "lewm-model-tests", Guid.NewGuid().ToString("N"));

    private static string PyTorchFolder => ModelFixture.PathOf("pytorch_bin/pytorch");

    private static string SafetensorsFolder => ModelFixture.PathOf("pytorch_bin/safetensors");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void ReadInfo_PyTorchFolder_UsesPytorchModelBin()
    {
        LeWmCheckpointInfo info = LeWmCheckpoint.ReadInfo(PyTorchFolder);

        Assert.Equal(LeWmCheckpoint.PyTorchWeightsFileName, Path.GetFileName(info.WeightsPath));
        Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(info.WeightsPath)[..2]);   // torch.save's zip format
        Assert.Equal(16, info.Config.DModel);
    }

    [Fact]
    public void Load_PyTorchFolder_GivesExactlyTheSafetensorsWeights()
    {
        (LeWmNetwork fromPyTorch, _) = LeWmCheckpoint.Load(PyTorchFolder);
        (LeWmNetwork fromSafetensors, _) = LeWmCheckpoint.Load(SafetensorsFolder);
        using (fromPyTorch)
        using (fromSafetensors)
        {
            Dictionary<string, Tensor> expected = fromSafetensors.state_dict();
            Dictionary<string, Tensor> actual = fromPyTorch.state_dict();
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
            foreach ((string key, Tensor value) in expected)
            {
                Assert.Equal(value.shape, actual[key].shape);
                using Tensor same = value.eq(actual[key]).all();
                Assert.True(same.item<bool>(), $"Tensor '{key}' differs between pytorch_model.bin and model.safetensors.");
            }
        }
    }

    [Fact]
    public void Load_PyTorchFolder_GivesSameLossesAsSafetensorsAndReference()
    {
        Dictionary<string, double> reference = ReferenceLosses();
        (LeWmNetwork fromPyTorch, _) = LeWmCheckpoint.Load(PyTorchFolder);
        (LeWmNetwork fromSafetensors, _) = LeWmCheckpoint.Load(SafetensorsFolder);
        using (fromPyTorch)
        using (fromSafetensors)
        using (var scope = NewDisposeScope())
        using (torch.no_grad())
        {
            LeWmBatch batch = Batch();
            LeWmLosses pyTorchLosses = fromPyTorch.ComputeLosses(batch, reference["kl_weight"]);
            LeWmLosses safetensorsLosses = fromSafetensors.ComputeLosses(batch, reference["kl_weight"]);
            foreach (string name in s_terms)
            {
                float viaPyTorch = Term(pyTorchLosses, name);
                Assert.Equal(Term(safetensorsLosses, name), viaPyTorch);
                double diff = Math.Abs(viaPyTorch - reference[name]);
                Assert.True(
                    diff <= Tolerance * Math.Max(1.0, Math.Abs(reference[name])),
                    $"{name}: {viaPyTorch} vs the reference's {reference[name]} (|Δ| = {diff:E3}).");
            }
        }
    }

    [Fact]
    public void Load_FolderWithConfigButNoWeights_ThrowsNamingBothWeightFiles()
    {
        Directory.CreateDirectory(_root);
        File.Copy(Path.Combine(PyTorchFolder, LeWmCheckpoint.ConfigFileName), Path.Combine(_root, LeWmCheckpoint.ConfigFileName));

        CheckpointFormatException error = Assert.Throws<CheckpointFormatException>(() => LeWmCheckpoint.Load(_root));

        Assert.Contains(LeWmCheckpoint.WeightsFileName, error.Message, StringComparison.Ordinal);
        Assert.Contains(LeWmCheckpoint.PyTorchWeightsFileName, error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(_root), error.Message, StringComparison.Ordinal);
    }

    private static LeWmBatch Batch() => new(
        ModelFixture.Long("pytorch_bin/text_ids.npy"),
        ModelFixture.Long("pytorch_bin/text_lengths.npy"),
        ModelFixture.Float("pytorch_bin/mel.npy"),
        ModelFixture.Long("pytorch_bin/mel_lengths.npy"));

    private static Dictionary<string, double> ReferenceLosses()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(ModelFixture.PathOf("pytorch_bin/losses.json")));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
    }

    private static float Term(LeWmLosses losses, string name) => (name switch
    {
        "prediction" => losses.Prediction,
        "kl" => losses.Kl,
        "recon" => losses.Recon,
        "spectral" => losses.Spectral,
        "stop" => losses.Stop,
        "total" => losses.Total,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown loss term."),
    }).item<float>();
}
