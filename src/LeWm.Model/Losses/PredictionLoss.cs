using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>
/// The JEPA prediction loss: masked MSE between the predictor's output and the next latent (the <c>prediction</c>
/// term of the reference's <c>LeWmTts.forward</c>).
/// </summary>
/// <remarks>
/// Row t of the predictor has read the start embedding and <c>z_0 … z_{t−1}</c>, so it is compared with <c>z_t</c>:
/// <c>prediction = Σ_{b,t} m·‖ẑ_{b,t} − z_{b,t}‖² / (L · Σ_b Tz_b)</c>.
/// </remarks>
public static class PredictionLoss
{
    /// <summary>The masked, element-weighted MSE of a batch.</summary>
    /// <param name="predictions">The predictor's output <c>[B, Tz, L]</c>.</param>
    /// <param name="target">The sampled latents <c>[B, Tz, L]</c> (detached by the caller if so configured).</param>
    /// <param name="latentLengths">Valid latent frames per item <c>[B]</c> (int64).</param>
    /// <returns>The batch loss (a scalar) and each item's own mean <c>[B]</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static (Tensor Loss, Tensor PerItem) Compute(Tensor predictions, Tensor target, Tensor latentLengths)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(latentLengths);
        using var scope = NewDisposeScope();
        Tensor mask = LossReduction.FloatMask(latentLengths, predictions.shape[1], predictions.dtype);
        Tensor sums = predictions.sub(target).pow(2).sum(-1).mul(mask).sum(1);
        Tensor counts = latentLengths.to(predictions.dtype).mul(predictions.shape[^1]);
        (Tensor loss, Tensor perItem) = LossReduction.ElementWeighted(sums, counts);
        return (loss.MoveToOuterDisposeScope(), perItem.MoveToOuterDisposeScope());
    }
}
