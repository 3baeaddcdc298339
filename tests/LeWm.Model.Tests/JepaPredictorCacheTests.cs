using LeWm.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests;

/// <summary>Incremental decoding (KV cache) equals the teacher-forced full causal pass.</summary>
public sealed class JepaPredictorCacheTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Step_FromStart_EqualsFullPass()
    {
        using var network = TinyNetwork();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        (_, _, Tensor textMask, IReadOnlyList<Tensor> ks, IReadOnlyList<Tensor> vs) = Text(network);
        Tensor latents = torch.randn(2, 5, 64, generator: new Generator(7));
        (Tensor full, Tensor fullStop) = network.Predictor.call(latents, ks, vs, textMask);

        using PredictorCache cache = network.Predictor.NewCache(ks, vs, textMask);
        for (int t = 0; t < 5; t++)
        {
            Tensor? previous = t == 0 ? null : latents.select(1, t - 1);
            (Tensor next, Tensor stop) = network.Predictor.Step(previous, cache);
            AssertClose($"row {t}", full.select(1, t), next);
            AssertClose($"stop {t}", fullStop.select(1, t), stop);
        }

        Assert.Equal(5, cache.Length);
    }

    [Fact]
    public void Prefill_DifferentPromptLengths_EqualsFullPass()
    {
        using var network = TinyNetwork();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        (_, _, Tensor textMask, IReadOnlyList<Tensor> ks, IReadOnlyList<Tensor> vs) = Text(network);
        Tensor latents = torch.randn(2, 7, 64, generator: new Generator(11));
        (Tensor full, Tensor fullStop) = network.Predictor.call(latents, ks, vs, textMask);
        long[] promptLengths = [3, 1];
        Tensor prompt = latents.narrow(1, 0, 3).clone();
        prompt[1, 1..] = torch.full(2, 64, 99f);   // padded prompt frames hold garbage

        using PredictorCache cache = network.Predictor.NewCache(ks, vs, textMask);
        (Tensor next, Tensor stop) = network.Predictor.Prefill(prompt, torch.tensor(promptLengths), cache);
        for (int k = 0; ; k++)
        {
            for (int b = 0; b < 2; b++)
            {
                long row = promptLengths[b] + k;
                AssertClose($"item {b} row {row}", full[b, row], next[b]);
                AssertClose($"item {b} stop {row}", fullStop[b, row], stop[b]);
            }

            if (k == 2)
            {
                break;
            }

            Tensor previous = torch.stack([latents[0, promptLengths[0] + k], latents[1, promptLengths[1] + k]]);
            (next, stop) = network.Predictor.Step(previous, cache);
        }
    }

    [Fact]
    public void Prefill_UsedCache_Throws()
    {
        using var network = TinyNetwork();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        (_, _, Tensor textMask, IReadOnlyList<Tensor> ks, IReadOnlyList<Tensor> vs) = Text(network);
        using PredictorCache cache = network.Predictor.NewCache(ks, vs, textMask);
        _ = network.Predictor.Step(null, cache);
        Assert.Throws<InvalidOperationException>(() => network.Predictor.Prefill(torch.zeros(2, 1, 64), torch.tensor(new long[] { 1, 1 }), cache));
    }

    private static LeWmNetwork TinyNetwork()
    {
        var network = new LeWmNetwork(LeWmConfig.Tiny);
        StateDictFile.LoadInto(network, ModelFixture.PathOf("tiny/model.safetensors"));
        network.eval();
        return network;
    }

    private static (Tensor Memory, Tensor Lengths, Tensor Mask, IReadOnlyList<Tensor> Keys, IReadOnlyList<Tensor> Values) Text(LeWmNetwork network)
    {
        Tensor ids = ModelFixture.Long("tiny/text_ids.npy");
        Tensor lengths = ModelFixture.Long("tiny/text_lengths.npy");
        (Tensor memory, Tensor mask) = network.TextEncoder.call(ids, lengths, null);
        (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = network.Predictor.MemoryKeyValues(memory);
        return (memory, lengths, mask, keys, values);
    }

    private static void AssertClose(string name, Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        double maxDiff = (expected - actual).abs().max().item<float>();
        Assert.True(maxDiff <= Tolerance, $"{name}: max |Δ| = {maxDiff:E3} > {Tolerance:E0}");
    }
}
