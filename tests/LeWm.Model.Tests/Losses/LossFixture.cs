using System.Text.Json;
using LeWm.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Losses;
using LeWm.Model.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Losses;

/// <summary>The loss batch of python/fixtures/make_model_fixtures.py (tiny/loss_*.npy, eps.npy, losses.json).</summary>
internal static class LossFixture
{
    public const double KlWeight = 0.5;

    public static readonly string[] TermNames = ["prediction", "kl", "recon", "spectral", "stop"];

    /// <summary>The tiny network with the reference weights, in eval mode.</summary>
    public static LeWmNetwork Network()
    {
        var network = new LeWmNetwork(LeWmConfig.Tiny);
        StateDictFile.LoadInto(network, ModelFixture.PathOf("tiny/model.safetensors"));
        network.eval();
        return network;
    }

    /// <summary>The batch (three items: 300, 150 and 40 frames); its tensors land in the caller's dispose scope.</summary>
    public static LeWmBatch Batch() => new(
        ModelFixture.Long("tiny/loss_text_ids.npy"),
        ModelFixture.Long("tiny/loss_text_lengths.npy"),
        ModelFixture.Float("tiny/loss_mel.npy"),
        ModelFixture.Long("tiny/loss_mel_lengths.npy"));

    /// <summary>The reference's ε <c>[3, 75, 64]</c>.</summary>
    public static Tensor Noise() => ModelFixture.Float("tiny/eps.npy");

    /// <summary>The reference's values: each term and <c>total</c>.</summary>
    public static Dictionary<string, double> Expected()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(ModelFixture.PathOf("tiny/losses.json")));
        return document.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
    }

    /// <summary>The reference's per-item values of each term.</summary>
    public static Dictionary<string, double[]> ExpectedPerItem()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(ModelFixture.PathOf("tiny/losses.json")));
        return document.RootElement.GetProperty("per_item").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray(), StringComparer.Ordinal);
    }

    public static Tensor Term(LeWmLosses losses, string name) => name switch
    {
        "prediction" => losses.Prediction,
        "kl" => losses.Kl,
        "recon" => losses.Recon,
        "spectral" => losses.Spectral,
        "stop" => losses.Stop,
        "total" => losses.Total,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown loss term."),
    };

    public static Tensor ItemTerm(LeWmItemLosses losses, string name) => name switch
    {
        "prediction" => losses.Prediction,
        "kl" => losses.Kl,
        "recon" => losses.Recon,
        "spectral" => losses.Spectral,
        "stop" => losses.Stop,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown loss term."),
    };

    /// <summary>|expected − actual| ≤ tolerance · max(1, |expected|).</summary>
    public static void AssertClose(string name, double expected, double actual, double tolerance)
    {
        double allowed = tolerance * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= allowed,
            $"{name}: expected {expected:R}, got {actual:R} (|Δ| = {Math.Abs(expected - actual):E3} > {allowed:E3})");
    }
}
