using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>
/// Every loss term of a training batch and their weighted total (the dict returned by the reference's
/// <c>LeWmTts.forward</c>); made by <see cref="Modules.LeWmNetwork.ComputeLosses"/>.
/// </summary>
/// <remarks>
/// Each term is a scalar tensor attached to the graph; call <c>Total.backward()</c> to train. The tensors live in the
/// caller's dispose scope; <see cref="Dispose"/> frees them early.
/// </remarks>
/// <param name="Prediction">The masked MSE of each next latent.</param>
/// <param name="Kl">The masked KL per latent element (unweighted).</param>
/// <param name="Recon">The masked L1 reconstruction of the log-mel.</param>
/// <param name="Spectral">The multi-resolution spectral loss.</param>
/// <param name="Stop">The masked stop BCE.</param>
/// <param name="Total">prediction_weight·prediction + klWeight·kl + recon_weight·recon + spectral_weight·spectral + stop_weight·stop.</param>
/// <param name="KlWeight">The (annealed) KL weight used in <paramref name="Total"/>.</param>
/// <param name="PerItem">Each item's own terms.</param>
public sealed record LeWmLosses(
    Tensor Prediction, Tensor Kl, Tensor Recon, Tensor Spectral, Tensor Stop, Tensor Total, double KlWeight, LeWmItemLosses PerItem)
    : IDisposable
{
    /// <summary>Disposes every tensor, the per-item ones included.</summary>
    public void Dispose()
    {
        Prediction.Dispose();
        Kl.Dispose();
        Recon.Dispose();
        Spectral.Dispose();
        Stop.Dispose();
        Total.Dispose();
        PerItem.Dispose();
    }
}
