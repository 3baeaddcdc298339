namespace LeWm.Training.Evaluation;

/// <summary>The means of one rendering's scores over the evaluated items.</summary>
/// <param name="MelCepstralDistortionDb">The mean MCD-DTW in dB.</param>
/// <param name="DurationRatio">The mean trimmed duration ratio.</param>
public sealed record DistortionSummary(double MelCepstralDistortionDb, double DurationRatio);
