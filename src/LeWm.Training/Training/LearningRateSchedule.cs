namespace LeWm.Training;

/// <summary>The learning rate at each step: linear warm-up to the peak, then cosine decay to a floor.</summary>
/// <param name="PeakLearningRate">The rate reached at the end of the warm-up, &gt; 0.</param>
/// <param name="WarmupSteps">Steps of linear warm-up, ≥ 0.</param>
/// <param name="TotalSteps">The steps of the whole run, ≥ 1.</param>
/// <param name="FinalRatio">The floor as a fraction of the peak, in [0, 1].</param>
public sealed record LearningRateSchedule(double PeakLearningRate, int WarmupSteps, int TotalSteps, double FinalRatio)
{
    /// <summary>Gets the rate of step <paramref name="step"/> (0-based: the rate the <paramref name="step"/>-th update uses).</summary>
    /// <param name="step">The number of updates already made, ≥ 0.</param>
    /// <returns>
    /// <c>peak·(step + 1)/warmup</c> while step &lt; warmup; then
    /// <c>floor + (peak − floor)·½(1 + cos(π·p))</c> with <c>p = (step − warmup)/max(1, total − warmup)</c> clamped to [0, 1].
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public double At(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps)
        {
            return PeakLearningRate * (step + 1) / WarmupSteps;
        }

        double progress = Math.Clamp((double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps), 0.0, 1.0);
        double floor = PeakLearningRate * FinalRatio;
        return floor + ((PeakLearningRate - floor) * 0.5 * (1.0 + Math.Cos(Math.PI * progress)));
    }
}
