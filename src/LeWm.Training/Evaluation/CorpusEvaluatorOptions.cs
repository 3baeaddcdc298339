using LeWm.Inference;
using LeWm.Audio.Dsp;
using LeWm.Audio.Evaluation;
using LeWm.Training.Data;

namespace LeWm.Training.Evaluation;

/// <summary>How <see cref="CorpusEvaluator"/> picks held-out items and scores them.</summary>
public sealed record CorpusEvaluatorOptions
{
    /// <summary>Gets the most held-out items evaluated, in manifest order (default 20).</summary>
    public int MaxItems { get; init; } = 20;

    /// <summary>
    /// Gets whether every item of the corpus is evaluated (a held-out corpus preprocessed on its own, whose items never
    /// entered training) instead of the validation split of a training corpus. Default false; a corpus preprocessed
    /// as an evaluation set (<c>PreprocessorOptions.EvaluationSet</c>) is always evaluated whole.
    /// </summary>
    public bool AllItems { get; init; }

    /// <summary>
    /// Gets the split options; keep the defaults (those <see cref="TrainerOptions.Dataset"/> defaults to) so the
    /// evaluated items are the ones training held out.
    /// </summary>
    public ManifestDatasetOptions Dataset { get; init; } = new();

    /// <summary>
    /// Gets the synthesis options of the autoregressive rendering (the speaker is each item's own); default: the
    /// engine's defaults, so the figures are what an application hears.
    /// </summary>
    public SynthesisOptions Synthesis { get; init; } = new();

    /// <summary>Gets the distortion settings (13 coefficients, 40 dB edge trim by default).</summary>
    public MelCepstralDistortionOptions Distortion { get; init; } = new();

    /// <summary>Gets the settings of the Griffin-Lim floor (the reference mel through Griffin-Lim).</summary>
    public GriffinLimOptions GriffinLim { get; init; } = new();

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    /// <exception cref="ArgumentNullException">A nested options object is null.</exception>
    public void Validate()
    {
        if (MaxItems < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxItems), MaxItems, "At least one item must be evaluated.");
        }

        ArgumentNullException.ThrowIfNull(Dataset);
        ArgumentNullException.ThrowIfNull(Distortion);
        ArgumentNullException.ThrowIfNull(Synthesis);
        Synthesis.Validate();
        ArgumentNullException.ThrowIfNull(GriffinLim);
        Dataset.Validate();
        Distortion.Validate();
        GriffinLim.Validate();
    }
}
