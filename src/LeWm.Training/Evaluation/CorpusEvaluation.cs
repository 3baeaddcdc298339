namespace LeWm.Training.Evaluation;

/// <summary>The result of <see cref="CorpusEvaluator.EvaluateAsync"/>: per-item scores and their means.</summary>
/// <param name="ManifestPath">The manifest that was read.</param>
/// <param name="Split">Which held-out items were used (<c>validation</c>: the split training holds out).</param>
/// <param name="HeldOutItems">How many items the split holds; at most <see cref="CorpusEvaluatorOptions.MaxItems"/> of them were evaluated.</param>
/// <param name="Items">The evaluated items, in manifest order; never empty.</param>
public sealed record CorpusEvaluation(string ManifestPath, string Split, int HeldOutItems, IReadOnlyList<ItemEvaluation> Items)
{
    /// <summary>Gets the means of autoregressive synthesis.</summary>
    public DistortionSummary Synthesized => Summarise(item => item.Synthesized);

    /// <summary>Gets the means of teacher-forced prediction.</summary>
    public DistortionSummary Predicted => Summarise(item => item.Predicted);

    /// <summary>Gets the means of reconstruction.</summary>
    public DistortionSummary Reconstructed => Summarise(item => item.Reconstructed);

    /// <summary>Gets the means of the Griffin-Lim floor.</summary>
    public DistortionSummary GriffinLim => Summarise(item => item.GriffinLim);

    /// <summary>Gets all synthesised audio seconds over all synthesis seconds (above 1: faster than real time).</summary>
    public double SynthesisRealTimeFactor
    {
        get
        {
            double seconds = Items.Sum(item => item.SynthesisTime.TotalSeconds);
            return seconds > 0 ? Items.Sum(item => item.Synthesized.AudioSeconds) / seconds : double.PositiveInfinity;
        }
    }

    private DistortionSummary Summarise(Func<ItemEvaluation, DistortionScore> score) =>
        new(Items.Average(item => score(item).MelCepstralDistortionDb), Items.Average(item => score(item).DurationRatio));
}
