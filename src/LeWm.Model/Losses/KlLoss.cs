using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>
/// The KL divergence of the audio encoder's posterior from the standard normal, per latent element, over the valid
/// latent frames (the reference's <c>kl_standard_normal</c> and the <c>kl</c> term of <c>LeWmTts.forward</c>).
/// </summary>
/// <remarks>
/// <c>kl = Σ_{b,t,l} m·½(μ² + e^{logvar} − 1 − logvar) / (L · Σ_b Tz_b)</c>, with m the latent-frame mask. The annealed
/// weight is applied by the caller (<see cref="Modules.LeWmNetwork.ComputeLosses"/>).
/// </remarks>
public static class KlLoss
{
    /// <summary>Element-wise <c>KL(N(μ, e^{logvar}) ‖ N(0, 1)) = ½(μ² + e^{logvar} − 1 − logvar)</c>.</summary>
    /// <param name="mu">The posterior mean, any shape.</param>
    /// <param name="logVar">The posterior log-variance, the shape of <paramref name="mu"/>.</param>
    /// <returns>The element-wise divergence, the shape of <paramref name="mu"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static Tensor Elementwise(Tensor mu, Tensor logVar)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(logVar);
        using var scope = NewDisposeScope();
        Tensor kl = mu.pow(2).add(logVar.exp()).sub(1.0).sub(logVar).mul(0.5);
        return kl.MoveToOuterDisposeScope();
    }

    /// <summary>The masked, element-weighted KL of a batch.</summary>
    /// <param name="mu">The posterior mean <c>[B, Tz, L]</c>.</param>
    /// <param name="logVar">The posterior log-variance <c>[B, Tz, L]</c>.</param>
    /// <param name="latentLengths">Valid latent frames per item <c>[B]</c> (int64).</param>
    /// <returns>The batch loss (a scalar) and each item's own mean <c>[B]</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static (Tensor Loss, Tensor PerItem) Compute(Tensor mu, Tensor logVar, Tensor latentLengths)
    {
        ArgumentNullException.ThrowIfNull(latentLengths);
        using var scope = NewDisposeScope();
        Tensor mask = LossReduction.FloatMask(latentLengths, mu.shape[1], mu.dtype);
        Tensor sums = Elementwise(mu, logVar).sum(-1).mul(mask).sum(1);
        Tensor counts = latentLengths.to(mu.dtype).mul(mu.shape[^1]);
        (Tensor loss, Tensor perItem) = LossReduction.ElementWeighted(sums, counts);
        return (loss.MoveToOuterDisposeScope(), perItem.MoveToOuterDisposeScope());
    }
}
