using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>
/// The L1 reconstruction loss of the decoded log-mel over the valid mel frames (the <c>recon</c> term of the
/// reference's <c>LeWmTts.forward</c>): <c>recon = Σ_{b,k,f} n·|mel̂ − mel| / (M · Σ_b T_b)</c>.
/// </summary>
public static class ReconstructionLoss
{
    /// <summary>The masked, element-weighted L1 of a batch.</summary>
    /// <param name="predicted">The decoded log-mel <c>[B, n_mels, T]</c>.</param>
    /// <param name="target">The target log-mel <c>[B, n_mels, T]</c>.</param>
    /// <param name="melLengths">Valid mel frames per item <c>[B]</c> (int64).</param>
    /// <returns>The batch loss (a scalar) and each item's own mean <c>[B]</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static (Tensor Loss, Tensor PerItem) Compute(Tensor predicted, Tensor target, Tensor melLengths)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(melLengths);
        using var scope = NewDisposeScope();
        Tensor mask = LossReduction.FloatMask(melLengths, target.shape[^1], target.dtype);
        Tensor sums = predicted.sub(target).abs().sum(1).mul(mask).sum(1);
        Tensor counts = melLengths.to(target.dtype).mul(target.shape[1]);
        (Tensor loss, Tensor perItem) = LossReduction.ElementWeighted(sums, counts);
        return (loss.MoveToOuterDisposeScope(), perItem.MoveToOuterDisposeScope());
    }
}
