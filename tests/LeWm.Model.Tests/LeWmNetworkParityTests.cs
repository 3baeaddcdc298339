using LeWm.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests;

/// <summary>The tiny preset with the reference's weights reproduces the reference's outputs on a fixed padded batch.</summary>
public sealed class LeWmNetworkParityTests
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Forward_TinyReferenceWeights_MatchesReferenceWithin1e4()
    {
        LeWmConfig config = LeWmConfig.Load(ModelFixture.PathOf("tiny/config.json"));
        Assert.Equal(LeWmConfig.Tiny, config);
        using var network = new LeWmNetwork(config);
        StateDictFile.LoadInto(network, ModelFixture.PathOf("tiny/model.safetensors"));
        network.eval();

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor ids = ModelFixture.Long("tiny/text_ids.npy");
        Tensor textLengths = ModelFixture.Long("tiny/text_lengths.npy");
        Tensor mel = ModelFixture.Float("tiny/mel.npy");
        Tensor melLengths = ModelFixture.Long("tiny/mel_lengths.npy");

        (Tensor memory, Tensor textMask) = network.TextEncoder.call(ids, textLengths, null);
        AssertClose("memory", ModelFixture.Float("tiny/memory.npy"), memory);

        (Tensor mu, Tensor logVar, Tensor latentLengths) = network.AudioEncoder.call(mel, melLengths);
        AssertClose("mu", ModelFixture.Float("tiny/mu.npy"), mu);
        AssertClose("logvar", ModelFixture.Float("tiny/logvar.npy"), logVar);
        Assert.Equal(ModelFixture.Long("tiny/latent_lengths.npy").data<long>().ToArray(), latentLengths.data<long>().ToArray());

        Tensor zMask = torch.arange(mu.shape[1]).unsqueeze(0).lt(latentLengths.unsqueeze(1)).to(mu.dtype).unsqueeze(-1);
        Tensor z = mu.mul(zMask);
        (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = network.Predictor.MemoryKeyValues(memory);
        (Tensor predictions, Tensor stop) = network.Predictor.call(z, keys, values, textMask);
        AssertClose("pred", ModelFixture.Float("tiny/pred.npy"), predictions);
        AssertClose("stop", ModelFixture.Float("tiny/stop.npy"), stop);

        Tensor melHat = network.MelDecoder.call(z, latentLengths);
        AssertClose("mel_hat", ModelFixture.Float("tiny/mel_hat.npy"), melHat);
    }

    [Fact]
    public void Forward_Tiny_LeavesNoLiveTensors()
    {
        using var network = new LeWmNetwork(LeWmConfig.Tiny);
        network.eval();
        using Tensor ids = torch.full(2, 5, 65L);
        using Tensor textLengths = torch.tensor(new long[] { 5, 3 });
        using Tensor mel = torch.randn(2, 100, 9);
        using Tensor melLengths = torch.tensor(new long[] { 9, 4 });
        using var noGrad = torch.no_grad();

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = NewDisposeScope())
        {
            (Tensor memory, Tensor textMask) = network.TextEncoder.call(ids, textLengths, null);
            (Tensor mu, _, Tensor latentLengths) = network.AudioEncoder.call(mel, melLengths);
            (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = network.Predictor.MemoryKeyValues(memory);
            _ = network.Predictor.call(mu, keys, values, textMask);
            _ = network.MelDecoder.call(mu, latentLengths);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Forward_GarbageInPadding_ChangesNoValidOutput()
    {
        using var network = new LeWmNetwork(LeWmConfig.Tiny);
        StateDictFile.LoadInto(network, ModelFixture.PathOf("tiny/model.safetensors"));
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor ids = ModelFixture.Long("tiny/text_ids.npy");
        Tensor textLengths = ModelFixture.Long("tiny/text_lengths.npy");
        Tensor mel = ModelFixture.Float("tiny/mel.npy");
        Tensor melLengths = ModelFixture.Long("tiny/mel_lengths.npy");
        Tensor garbageIds = ids.clone();
        garbageIds[1, 4..] = torch.full(6, 65L);
        Tensor garbageMel = torch.cat([mel, torch.full(2, 100, 3, 7f)], dim: 2);
        garbageMel[1, .., 6..] = torch.full(100, 10, 50f);

        (Tensor memory, Tensor mask) = network.TextEncoder.call(ids, textLengths, null);
        (Tensor memory2, _) = network.TextEncoder.call(garbageIds, textLengths, null);
        AssertClose("memory (valid)", memory.mul(mask.unsqueeze(-1)), memory2.mul(mask.unsqueeze(-1)), 1e-6);

        (Tensor mu, _, Tensor latentLengths) = network.AudioEncoder.call(mel, melLengths);
        (Tensor mu2, _, _) = network.AudioEncoder.call(garbageMel, melLengths);
        Tensor zMask = torch.arange(mu.shape[1]).unsqueeze(0).lt(latentLengths.unsqueeze(1)).to(mu.dtype).unsqueeze(-1);
        AssertClose("mu (valid)", mu.mul(zMask), mu2.narrow(1, 0, mu.shape[1]).mul(zMask), 1e-6);
        (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = network.Predictor.MemoryKeyValues(memory);
        (IReadOnlyList<Tensor> keys2, IReadOnlyList<Tensor> values2) = network.Predictor.MemoryKeyValues(memory2);
        Tensor z = mu.mul(zMask);
        Tensor z2 = z.add(torch.full_like(z, 3f).mul(zMask.neg().add(1)));   // garbage past each latent length
        (Tensor pred, _) = network.Predictor.call(z, keys, values, mask);
        (Tensor pred2, _) = network.Predictor.call(z2, keys2, values2, mask);
        AssertClose("pred (valid)", pred.mul(zMask), pred2.mul(zMask), 1e-6);
        Tensor melMask = torch.arange(16).unsqueeze(0).lt(melLengths.unsqueeze(1)).to(mu.dtype).unsqueeze(1);
        AssertClose("mel_hat (valid)", network.MelDecoder.call(z, latentLengths).mul(melMask), network.MelDecoder.call(z2, latentLengths).mul(melMask), 1e-6);
    }

    private static void AssertClose(string name, Tensor expected, Tensor actual, double tolerance = Tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        double maxDiff = (expected - actual).abs().max().item<float>();
        Assert.True(maxDiff <= tolerance, $"{name}: max |Δ| = {maxDiff:E3} > {tolerance:E0}");
    }
}
