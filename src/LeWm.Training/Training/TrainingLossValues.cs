namespace LeWm.Training;

/// <summary>The values of every loss term of one step (or the mean over a validation pass).</summary>
/// <param name="Total">The weighted total that was minimised.</param>
/// <param name="Prediction">The latent prediction MSE.</param>
/// <param name="Kl">The KL divergence (unweighted).</param>
/// <param name="Recon">The L1 mel reconstruction.</param>
/// <param name="Spectral">The multi-resolution spectral loss.</param>
/// <param name="Stop">The stop BCE.</param>
public sealed record TrainingLossValues(double Total, double Prediction, double Kl, double Recon, double Spectral, double Stop);
