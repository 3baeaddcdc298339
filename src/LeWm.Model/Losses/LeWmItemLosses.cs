using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>Each item's own loss terms, <c>[B]</c> each (the reference's <c>per_item</c>), for tests and diagnostics.</summary>
/// <param name="Prediction">Each item's prediction MSE.</param>
/// <param name="Kl">Each item's KL per latent element.</param>
/// <param name="Recon">Each item's L1 reconstruction.</param>
/// <param name="Spectral">Each item's spectral loss (0 for an item shorter than every FFT size).</param>
/// <param name="Stop">Each item's stop BCE.</param>
public sealed record LeWmItemLosses(Tensor Prediction, Tensor Kl, Tensor Recon, Tensor Spectral, Tensor Stop) : IDisposable
{
    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        Prediction.Dispose();
        Kl.Dispose();
        Recon.Dispose();
        Spectral.Dispose();
        Stop.Dispose();
    }
}
