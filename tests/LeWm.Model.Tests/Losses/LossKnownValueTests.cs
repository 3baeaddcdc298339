using LeWm.Model.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Losses;

/// <summary>Each loss on small hand-made tensors whose value is known in closed form.</summary>
public sealed class LossKnownValueTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void KlElementwise_StandardNormalAndShifted_KnownValues()
    {
        using var scope = NewDisposeScope();
        Tensor mu = torch.tensor(new float[] { 0f, 1f, 0f, 2f });
        Tensor logVar = torch.tensor(new float[] { 0f, 0f, 1f, (float)Math.Log(0.5) });

        float[] kl = KlLoss.Elementwise(mu, logVar).data<float>().ToArray();

        Assert.Equal(0.0, kl[0], Tolerance);
        Assert.Equal(0.5, kl[1], Tolerance);
        Assert.Equal(0.5 * (Math.E - 2.0), kl[2], Tolerance);
        Assert.Equal(0.5 * (4.0 + 0.5 - 1.0 - Math.Log(0.5)), kl[3], Tolerance);
    }

    [Fact]
    public void Kl_MaskedFrames_IgnoredAndElementWeighted()
    {
        using var scope = NewDisposeScope();
        // [B=2, Tz=3, L=2]: item 0 valid 2 frames with mu = 1 (KL 0.5 each), item 1 valid 1 frame with mu = 2 (KL 2);
        // padded frames hold huge values that must not count.
        Tensor mu = torch.full(2, 3, 2, 100f);
        mu[0, 0..2] = torch.ones(2, 2);
        mu[1, 0..1] = torch.full(1, 2, 2f);
        Tensor logVar = torch.zeros(2, 3, 2);
        Tensor lengths = torch.tensor(new long[] { 2, 1 });

        (Tensor loss, Tensor perItem) = KlLoss.Compute(mu, logVar, lengths);

        // sums: item 0 = 4 · 0.5 = 2, item 1 = 2 · 2 = 4; counts 4 and 2 → batch 6 / 6 = 1.
        Assert.Equal(1.0, loss.item<float>(), Tolerance);
        Assert.Equal(new[] { 0.5f, 2f }, perItem.data<float>().ToArray());
    }

    [Fact]
    public void Reconstruction_MaskedFrames_IgnoredAndElementWeighted()
    {
        using var scope = NewDisposeScope();
        // [B=2, M=2, T=4]; |Δ| = 1 on item 0's 4 frames, 3 on item 1's 2 valid frames, 50 in item 1's padding.
        Tensor target = torch.zeros(2, 2, 4);
        Tensor predicted = torch.zeros(2, 2, 4);
        predicted[0] = torch.ones(2, 4);
        predicted[1] = torch.full(2, 4, -3f);
        predicted[1, .., 2..] = torch.full(2, 2, 50f);
        Tensor lengths = torch.tensor(new long[] { 4, 2 });

        (Tensor loss, Tensor perItem) = ReconstructionLoss.Compute(predicted, target, lengths);

        // sums 8 and 12, counts 8 and 4 → batch 20 / 12.
        Assert.Equal(20.0 / 12.0, loss.item<float>(), Tolerance);
        Assert.Equal(new[] { 1f, 3f }, perItem.data<float>().ToArray());
    }

    [Fact]
    public void Prediction_MaskedFrames_IgnoredAndElementWeighted()
    {
        using var scope = NewDisposeScope();
        // [B=2, Tz=3, L=2]; difference 1 everywhere valid in item 0 (3 frames), 2 in item 1's single valid frame.
        Tensor target = torch.zeros(2, 3, 2);
        Tensor predictions = torch.ones(2, 3, 2);
        predictions[1] = torch.full(3, 2, 9f);
        predictions[1, 0] = torch.full(2, 2f);
        Tensor lengths = torch.tensor(new long[] { 3, 1 });

        (Tensor loss, Tensor perItem) = PredictionLoss.Compute(predictions, target, lengths);

        // sums 6 and 8, counts 6 and 2 → batch 14 / 8.
        Assert.Equal(14.0 / 8.0, loss.item<float>(), Tolerance);
        Assert.Equal(new[] { 1f, 4f }, perItem.data<float>().ToArray());
    }

    [Fact]
    public void StopTargets_OneOnLastValidFrame()
    {
        using var scope = NewDisposeScope();

        Tensor targets = StopLoss.Targets(torch.tensor(new long[] { 3, 1 }), 4, ScalarType.Float32);

        Assert.Equal(new float[] { 0, 0, 1, 0, 1, 0, 0, 0 }, targets.data<float>().ToArray());
    }

    [Fact]
    public void Stop_ZeroLogitsWithPositiveWeight_KnownValues()
    {
        using var scope = NewDisposeScope();
        // Logit 0 → BCE ln 2 for either target; the positive frame is weighted by 3. Padding logits are huge.
        Tensor logits = torch.zeros(2, 4);
        logits[1, 2..] = torch.full(2, 1000f);
        Tensor lengths = torch.tensor(new long[] { 4, 2 });

        (Tensor loss, Tensor perItem) = StopLoss.Compute(logits, lengths, positiveWeight: 3.0);

        double ln2 = Math.Log(2.0);
        // item 0: 3 negatives + 1 positive·3 = 6 ln2 over 4; item 1: 1 + 3 = 4 ln2 over 2; batch 10 ln2 / 6.
        Assert.Equal(10.0 * ln2 / 6.0, loss.item<float>(), Tolerance);
        float[] items = perItem.data<float>().ToArray();
        Assert.Equal(1.5 * ln2, items[0], Tolerance);
        Assert.Equal(2.0 * ln2, items[1], Tolerance);
    }

    [Fact]
    public void Stop_ConfidentCorrectLogits_NearZero()
    {
        using var scope = NewDisposeScope();
        Tensor logits = torch.tensor(new float[] { -30f, -30f, 30f }).unsqueeze(0);

        (Tensor loss, _) = StopLoss.Compute(logits, torch.tensor(new long[] { 3 }), 1.0);

        Assert.True(loss.item<float>() < 1e-12);
    }

    [Fact]
    public void Stop_NegativePositiveWeight_Throws()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => StopLoss.Compute(torch.zeros(1, 2), torch.tensor(new long[] { 2 }), -1.0));
    }

    [Fact]
    public void SpectralItem_IdenticalSignals_Zero()
    {
        using var scope = NewDisposeScope();
        Tensor target = torch.randn(4, 128, generator: torch.manual_seed(3)).sub(5.0);

        (Tensor loss, int used) = MultiResolutionSpectralLoss.Item(target, target, [64, 128, 256]);

        Assert.Equal(2, used);
        Assert.Equal(0.0, loss.item<float>(), Tolerance);
    }

    [Fact]
    public void SpectralItem_HalvedPrediction_ConvergenceHalfAndLogMagnitudeLn2()
    {
        using var scope = NewDisposeScope();
        // |STFT(x/2)| = |STFT(x)|/2, so SC = ‖S/2‖/‖S‖ = 0.5 and LM = ln 2 wherever S/2 stays above the 1e-5 floor.
        Tensor target = torch.randn(3, 64, generator: torch.manual_seed(4)).add(2.0);

        (Tensor loss, int used) = MultiResolutionSpectralLoss.Item(target.mul(0.5), target, [64, 128]);

        Assert.Equal(1, used);
        Assert.Equal(0.5 + Math.Log(2.0), loss.item<float>(), 1e-5);
    }

    [Fact]
    public void SpectralItem_ZeroPrediction_ConvergenceOne()
    {
        using var scope = NewDisposeScope();
        Tensor target = torch.randn(2, 64, generator: torch.manual_seed(5));
        Tensor s = MultiResolutionSpectralLoss.Magnitude(target, 64);

        (Tensor loss, _) = MultiResolutionSpectralLoss.Item(torch.zeros(2, 64), target, [64]);

        // Ŝ = sqrt(1e-12) = 1e-6 < the 1e-5 log floor: SC = ‖S − 1e-6‖/‖S‖ and LM = mean|log max(S, 1e-5) − log 1e-5|.
        double sc = s.sub(1e-6).pow(2).sum().sqrt().item<float>() / s.pow(2).sum().sqrt().item<float>();
        double lm = s.clamp_min(1e-5).log().sub(Math.Log(1e-5)).abs().mean().item<float>();
        Assert.Equal(sc + lm, loss.item<float>(), 1e-5);
        Assert.Equal(1.0, sc, 1e-4);
    }

    [Fact]
    public void SpectralMagnitude_ShapeIsBinsByFrames()
    {
        using var scope = NewDisposeScope();

        Tensor s = MultiResolutionSpectralLoss.Magnitude(torch.randn(5, 150), 64);

        // frames = 1 + (150 − 64) / 16 = 6 (no centring).
        Assert.Equal(new long[] { 5, 33, 6 }, s.shape);
    }

    [Fact]
    public void SpectralMagnitude_ConstantSignal_DcBinIsWindowSum()
    {
        using var scope = NewDisposeScope();

        Tensor s = MultiResolutionSpectralLoss.Magnitude(torch.ones(1, 64), 64);

        // The periodic Hann(64) sums to 32; every other bin of a constant is (numerically) zero, floored to 1e-6.
        Assert.Equal(32.0, s[0, 0, 0].item<float>(), 1e-4);
        Assert.True(s[0, 2.., 0].max().item<float>() < 1e-4);
    }

    [Fact]
    public void Spectral_ItemsShorterThanEveryFft_ContributeNothing()
    {
        using var scope = NewDisposeScope();
        Tensor target = torch.randn(2, 3, 80, generator: torch.manual_seed(6));
        Tensor predicted = target.mul(0.5);
        Tensor lengths = torch.tensor(new long[] { 64, 40 });

        (Tensor loss, Tensor perItem) = MultiResolutionSpectralLoss.Compute(predicted, target, lengths, [64, 128]);

        float[] items = perItem.data<float>().ToArray();
        Assert.Equal(0.5 + Math.Log(2.0), items[0], 1e-5);
        Assert.Equal(0f, items[1]);
        Assert.Equal(items[0], loss.item<float>(), Tolerance);
    }

    [Fact]
    public void Spectral_NoItemLongEnough_Zero()
    {
        using var scope = NewDisposeScope();
        Tensor predicted = torch.randn(2, 3, 20).requires_grad_();

        (Tensor loss, _) = MultiResolutionSpectralLoss.Compute(predicted, torch.randn(2, 3, 20), torch.tensor(new long[] { 20, 10 }), [64]);

        Assert.Equal(0f, loss.item<float>());
        Assert.Equal(Array.Empty<long>(), loss.shape);
    }
}
