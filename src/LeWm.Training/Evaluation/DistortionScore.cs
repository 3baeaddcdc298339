namespace LeWm.Training.Evaluation;

/// <summary>How one rendering of a held-out item compares with its reference recording.</summary>
/// <param name="MelCepstralDistortionDb">MCD-DTW against the reference, in dB (see <see cref="LeWm.Audio.Evaluation.MelCepstralDistortion"/>).</param>
/// <param name="DurationRatio">
/// The rendering's length over the reference's, both after the 40 dB edge trim (mel frames of speech, so leading and
/// trailing silence does not count); 1 means the same speaking time.
/// </param>
/// <param name="AudioSeconds">The rendering's untrimmed length in seconds.</param>
public sealed record DistortionScore(double MelCepstralDistortionDb, double DurationRatio, double AudioSeconds);
