namespace LeWm.Training.Data;

/// <summary>How <see cref="ManifestDataset.Load"/> filters a corpus and holds out validation items.</summary>
public sealed record ManifestDatasetOptions
{
    /// <summary>Gets the fraction of items held out for validation (default 0.05); ignored when <see cref="ValidationItems"/> is set.</summary>
    /// <remarks>At least one item and at most all but one are held out when the corpus has two or more usable items.</remarks>
    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>Gets an exact number of validation items, or null to use <see cref="ValidationFraction"/>.</summary>
    public int? ValidationItems { get; init; }

    /// <summary>Gets the most validation items when <see cref="ValidationFraction"/> decides (default 200).</summary>
    public int MaxValidationItems { get; init; } = 200;

    /// <summary>Gets the number of parallel mel readers (default: the processor count).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "The validation fraction must be in [0, 1).");
        }

        if (ValidationItems is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationItems), ValidationItems, "The validation item count must be >= 0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxValidationItems);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Parallelism);
    }
}
