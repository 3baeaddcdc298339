namespace LeWm.Training;

/// <summary>The KL weight at each step: linear from 0 over the first <see cref="Fraction"/> of the run, then the target.</summary>
/// <param name="TargetWeight">The weight reached at the end of the annealing (the configuration's <c>kl_weight</c>), ≥ 0.</param>
/// <param name="TotalSteps">The steps of the whole run, ≥ 1.</param>
/// <param name="Fraction">The share of the run spent annealing (model-spec: 0.2).</param>
public sealed record KlAnnealing(double TargetWeight, int TotalSteps, double Fraction = KlAnnealing.DefaultFraction)
{
    /// <summary>The share of training over which the KL weight rises from 0 (20 %).</summary>
    public const double DefaultFraction = 0.2;

    /// <summary>Gets the KL weight of step <paramref name="step"/> (0-based).</summary>
    /// <param name="step">The number of updates already made, ≥ 0.</param>
    /// <returns><c>target · min(1, step / (fraction · total))</c>; the target at once when the annealing span is under one step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public double At(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        double span = Fraction * TotalSteps;
        return span < 1.0 ? TargetWeight : TargetWeight * Math.Min(1.0, step / span);
    }
}
