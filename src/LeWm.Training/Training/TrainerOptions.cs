using System.Globalization;
using LeWm.Model.Config;

namespace LeWm.Training;

/// <summary>What <see cref="Trainer"/> trains, on what, for how long and with which hyper-parameters.</summary>
/// <remarks>Defaults follow model-spec.md. Immutable; <see cref="Validate"/> reports every bad value at once.</remarks>
public sealed record TrainerOptions
{
    /// <summary>Gets the preprocessed corpus folder (holding <c>manifest.jsonl</c>) or the manifest file.</summary>
    public required string DataPath { get; init; }

    /// <summary>Gets the output folder: <c>last/</c>, <c>best/</c> and <c>tensorboard/</c> go under it.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// Gets the architecture of a fresh model (default <see cref="LeWmConfig.Base"/>); <c>n_speakers</c> is set from the
    /// corpus. Ignored with <see cref="Resume"/> or <see cref="InitFrom"/>, which take the checkpoint's architecture.
    /// </summary>
    public LeWmConfig Config { get; init; } = LeWmConfig.Base;

    /// <summary>Gets the updates to make, or null to use <see cref="Epochs"/> (default null; with both null, 10 000 steps).</summary>
    public int? Steps { get; init; }

    /// <summary>Gets the passes over the training items, when <see cref="Steps"/> is null.</summary>
    public int? Epochs { get; init; }

    /// <summary>Gets the budget of padded mel frames per batch (items × longest item; default 4 000).</summary>
    public int BatchFrames { get; init; } = 4000;

    /// <summary>Gets the peak learning rate (default 5e-4).</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Gets the linear warm-up steps (default 500).</summary>
    public int WarmupSteps { get; init; } = 500;

    /// <summary>Gets the final learning rate of the cosine decay as a fraction of the peak (default 0.1).</summary>
    public double FinalLearningRateRatio { get; init; } = 0.1;

    /// <summary>Gets AdamW's decoupled weight decay (default 0.01).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Gets the global gradient-norm clip (default 1.0).</summary>
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>Gets the target KL weight, or null for the configuration's <c>kl_weight</c>.</summary>
    public double? KlWeight { get; init; }

    /// <summary>Gets the reconstruction weight, or null for the configuration's <c>recon_weight</c>.</summary>
    public double? ReconWeight { get; init; }

    /// <summary>Gets the spectral weight, or null for the configuration's <c>spectral_weight</c>.</summary>
    public double? SpectralWeight { get; init; }

    /// <summary>Gets the prediction weight, or null for the configuration's <c>prediction_weight</c>.</summary>
    public double? PredictionWeight { get; init; }

    /// <summary>Gets the stop weight, or null for the configuration's <c>stop_weight</c>.</summary>
    public double? StopWeight { get; init; }

    /// <summary>Gets the noise on the predictor's training inputs, or null for the configuration's <c>prediction_input_noise</c> (see <see cref="LeWmConfig.PredictionInputNoise"/>).</summary>
    public double? PredictionInputNoise { get; init; }

    /// <summary>Gets the seed of initialisation, dropout, noise and data order (default 1234).</summary>
    public long Seed { get; init; } = 1234;

    /// <summary>Gets how often (in steps) the validation loss is computed and <c>best/</c> updated (default 500; also at the end).</summary>
    public int ValidateEvery { get; init; } = 500;

    /// <summary>Gets how often (in steps) <c>last/</c> is saved (default 1 000; also at the end and on cancellation).</summary>
    public int SaveEvery { get; init; } = 1000;

    /// <summary>Gets how often (in steps) TensorBoard scalars are written (default 10).</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Gets a value indicating whether to continue from <c>OUTPUT/last/</c> exactly where it stopped.</summary>
    public bool Resume { get; init; }

    /// <summary>Gets a checkpoint folder whose weights (and architecture) a fresh run starts from (fine-tuning), or null.</summary>
    public string? InitFrom { get; init; }

    /// <summary>Gets the device to train on (default <see cref="TrainingDevice.Cpu"/>).</summary>
    public TrainingDevice Device { get; init; } = TrainingDevice.Cpu;

    /// <summary>Gets the validation split options.</summary>
    public Data.ManifestDatasetOptions Dataset { get; init; } = new();

    /// <summary>Gets how many collated batches the background loader keeps ready (default 4).</summary>
    public int PrefetchBatches { get; init; } = 4;

    /// <summary>Gets a value indicating whether TensorBoard event files are written under <c>OUTPUT/tensorboard/</c> (default true).</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>Checks every value and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more values are invalid; the message names each.</exception>
    public void Validate()
    {
        List<string> errors = [];
        void Check(bool ok, FormattableString message)
        {
            if (!ok)
            {
                errors.Add(message.ToString(CultureInfo.InvariantCulture));
            }
        }

        Check(!string.IsNullOrWhiteSpace(DataPath), $"the data path is empty");
        Check(!string.IsNullOrWhiteSpace(OutputDirectory), $"the output folder is empty");
        Check(Config is not null, $"the configuration is null");
        Check(Steps is null or > 0, $"steps must be > 0, got {Steps}");
        Check(Epochs is null or > 0, $"epochs must be > 0, got {Epochs}");
        Check(Steps is null || Epochs is null, $"give steps or epochs, not both");
        Check(BatchFrames > 0, $"batch frames must be > 0, got {BatchFrames}");
        Check(double.IsFinite(LearningRate) && LearningRate > 0, $"the learning rate must be > 0, got {LearningRate}");
        Check(WarmupSteps >= 0, $"warm-up steps must be >= 0, got {WarmupSteps}");
        Check(FinalLearningRateRatio is >= 0 and <= 1, $"the final learning-rate ratio must be in [0, 1], got {FinalLearningRateRatio}");
        Check(double.IsFinite(WeightDecay) && WeightDecay >= 0, $"weight decay must be >= 0, got {WeightDecay}");
        Check(double.IsFinite(GradientClipNorm) && GradientClipNorm > 0, $"the gradient clip norm must be > 0, got {GradientClipNorm}");
        foreach ((string name, double? value) in new[] { ("kl", KlWeight), ("recon", ReconWeight), ("spectral", SpectralWeight), ("prediction", PredictionWeight), ("stop", StopWeight), ("prediction input noise", PredictionInputNoise) })
        {
            Check(value is null || (double.IsFinite(value.Value) && value >= 0), $"the {name} weight must be >= 0, got {value}");
        }

        Check(ValidateEvery > 0, $"validate-every must be > 0, got {ValidateEvery}");
        Check(SaveEvery > 0, $"save-every must be > 0, got {SaveEvery}");
        Check(LogEvery > 0, $"log-every must be > 0, got {LogEvery}");
        Check(PrefetchBatches > 0, $"prefetch batches must be > 0, got {PrefetchBatches}");
        Check(!(Resume && InitFrom is not null), $"resume and init-from exclude each other");
        Check(Enum.IsDefined(Device), $"unknown device {Device}");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid training options: " + string.Join("; ", errors) + ".");
        }

        Dataset.Validate();
    }

    /// <summary>Applies the loss-weight overrides to <paramref name="config"/>.</summary>
    /// <param name="config">The configuration to start from.</param>
    /// <returns>The configuration with each non-null weight replaced.</returns>
    public LeWmConfig ApplyLossWeights(LeWmConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config with
        {
            KlWeight = KlWeight ?? config.KlWeight,
            ReconWeight = ReconWeight ?? config.ReconWeight,
            SpectralWeight = SpectralWeight ?? config.SpectralWeight,
            PredictionWeight = PredictionWeight ?? config.PredictionWeight,
            StopWeight = StopWeight ?? config.StopWeight,
            PredictionInputNoise = PredictionInputNoise ?? config.PredictionInputNoise,
        };
    }
}
