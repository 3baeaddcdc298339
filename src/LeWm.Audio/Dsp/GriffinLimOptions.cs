namespace LeWm.Audio.Dsp;

/// <summary>Settings of <see cref="GriffinLim"/>.</summary>
public sealed record GriffinLimOptions
{
    /// <summary>The number of phase-reconstruction iterations. Default 32; more is slower and closer.</summary>
    public int Iterations { get; init; } = 32;

    /// <summary>
    /// The momentum of the fast Griffin-Lim update (Perraudin et al., 2013), in [0, 1); 0 is the classic
    /// algorithm. Default 0.99, as torchaudio.
    /// </summary>
    public double Momentum { get; init; } = 0.99;

    /// <summary>The number of non-negative least-squares iterations that invert the mel filter bank. Default 30.</summary>
    public int InverseMelIterations { get; init; } = 30;

    /// <summary>Seed of the random initial phase; null starts from zero phase. Default 0 (reproducible).</summary>
    public int? Seed { get; init; } = 0;

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Iterations < 0)
        {
            problems.Add($"Iterations must not be negative (got {Iterations}).");
        }

        if (!(Momentum >= 0 && Momentum < 1))
        {
            problems.Add($"Momentum must be in [0, 1) (got {Momentum}).");
        }

        if (InverseMelIterations < 0)
        {
            problems.Add($"InverseMelIterations must not be negative (got {InverseMelIterations}).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Griffin-Lim options: " + string.Join(" ", problems));
        }
    }
}
