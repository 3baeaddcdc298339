using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>
/// The stop head's binary cross-entropy over the valid latent frames (the <c>stop</c> term of the reference's
/// <c>LeWmTts.forward</c>): the target is 1 on each item's last valid latent frame <c>Tz_b − 1</c> and 0 before it;
/// <c>stop = Σ_{b,t} m·BCE(stop_{b,t}, y_{b,t}) / Σ_b Tz_b</c>, the positive term weighted by <c>stop_pos_weight</c>.
/// </summary>
public static class StopLoss
{
    /// <summary>The stop targets: 1 at <c>t = Tz_b − 1</c>, else 0.</summary>
    /// <param name="latentLengths">Valid latent frames per item <c>[B]</c> (int64).</param>
    /// <param name="frames">The padded latent length Tz.</param>
    /// <param name="dtype">The element type of the result.</param>
    /// <returns><c>[B, Tz]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="latentLengths"/> is null.</exception>
    public static Tensor Targets(Tensor latentLengths, long frames, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(latentLengths);
        using var scope = NewDisposeScope();
        Tensor positions = torch.arange(frames, dtype: ScalarType.Int64, device: latentLengths.device).unsqueeze(0);
        return positions.eq(latentLengths.sub(1).unsqueeze(1)).to(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The masked, frame-weighted BCE of a batch.</summary>
    /// <param name="stopLogits">The stop head's logits <c>[B, Tz]</c>.</param>
    /// <param name="latentLengths">Valid latent frames per item <c>[B]</c> (int64).</param>
    /// <param name="positiveWeight">The weight of the positive (last-frame) term, ≥ 0.</param>
    /// <returns>The batch loss (a scalar) and each item's own mean <c>[B]</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="positiveWeight"/> is negative or not finite.</exception>
    public static (Tensor Loss, Tensor PerItem) Compute(Tensor stopLogits, Tensor latentLengths, double positiveWeight)
    {
        ArgumentNullException.ThrowIfNull(stopLogits);
        ArgumentNullException.ThrowIfNull(latentLengths);
        if (!double.IsFinite(positiveWeight) || positiveWeight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(positiveWeight), positiveWeight, "The positive weight must be finite and >= 0.");
        }

        using var scope = NewDisposeScope();
        long frames = stopLogits.shape[1];
        Tensor targets = Targets(latentLengths, frames, stopLogits.dtype);
        Tensor posWeight = torch.tensor(positiveWeight, dtype: stopLogits.dtype, device: stopLogits.device);
        Tensor bce = nn.functional.binary_cross_entropy_with_logits(
            stopLogits, targets, reduction: nn.Reduction.None, pos_weights: posWeight);
        Tensor mask = LossReduction.FloatMask(latentLengths, frames, stopLogits.dtype);
        Tensor sums = bce.mul(mask).sum(1);
        Tensor counts = latentLengths.to(stopLogits.dtype);
        (Tensor loss, Tensor perItem) = LossReduction.ElementWeighted(sums, counts);
        return (loss.MoveToOuterDisposeScope(), perItem.MoveToOuterDisposeScope());
    }
}
