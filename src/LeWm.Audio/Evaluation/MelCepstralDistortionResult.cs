namespace LeWm.Audio.Evaluation;

/// <summary>The mel-cepstral distortion between a reference and a candidate after dynamic time warping.</summary>
/// <param name="Decibels">The distortion: <c>10 / ln 10 · √2 · PathCost / PathLength</c>, in dB (0 for identical cepstra).</param>
/// <param name="PathCost">The sum of the Euclidean cepstral distances along the optimal warping path.</param>
/// <param name="PathLength">The number of frame pairs on the optimal warping path.</param>
/// <param name="ReferenceFrames">The reference's frames left after trimming.</param>
/// <param name="CandidateFrames">The candidate's frames left after trimming.</param>
public sealed record MelCepstralDistortionResult(double Decibels, double PathCost, int PathLength, int ReferenceFrames, int CandidateFrames)
{
    /// <summary>Gets the candidate's trimmed length over the reference's (1 when they last equally long).</summary>
    public double DurationRatio => (double)CandidateFrames / ReferenceFrames;
}
