using System.Diagnostics;
using System.Globalization;
using System.Text;
using LeWm.Audio.IO;
using LeWm.Checkpoints;
using LeWm.Inference;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Losses;
using LeWm.Model.Modules;
using LeWm.Training.Data;
using LeWm.Training.Preprocessing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Training;

/// <summary>
/// Trains a LeWM network on a preprocessed corpus: AdamW, linear warm-up then cosine decay, KL annealing over the first
/// 20 % of steps, global-norm gradient clipping, validation, crash-safe <c>last/</c> and <c>best/</c> checkpoints, exact
/// resume and TensorBoard scalars.
/// </summary>
/// <remarks>
/// <para>
/// Under the output folder: <c>last/</c> (the model plus <c>trainer_state.json</c>, <c>optimizer.bin</c> and
/// <c>rng_state.bin</c>: everything <see cref="TrainerOptions.Resume"/> needs), <c>best/</c> (the model with the lowest
/// validation loss, which is the total with the target KL weight in eval mode) and <c>tensorboard/</c>.
/// </para>
/// <para>
/// On the CPU a run is deterministic given the seed: initialisation, dropout and the latent noise draw from torch's
/// generator, whose state is saved; the data order depends only on the seed and the position in the stream. A resumed
/// run therefore repeats an uninterrupted one. One run per instance at a time; not thread-safe.
/// </para>
/// </remarks>
public sealed class Trainer
{
    /// <summary>The folder under the output that holds the latest checkpoint and training state.</summary>
    public const string LastDirectoryName = "last";

    /// <summary>The folder under the output that holds the checkpoint with the lowest validation loss.</summary>
    public const string BestDirectoryName = "best";

    /// <summary>The folder under the output that holds TensorBoard event files.</summary>
    public const string TensorBoardDirectoryName = "tensorboard";

    /// <summary>The steps of a run that gives neither steps nor epochs.</summary>
    public const int DefaultSteps = 10_000;

    private readonly TrainerOptions _options;
    private readonly Action<string>? _log;

    /// <summary>Creates a trainer after validating <paramref name="options"/>.</summary>
    /// <param name="options">What to train and how.</param>
    /// <param name="log">Receives warnings and notes (skipped items, repaired folders), one line each; or null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names each.</exception>
    public Trainer(TrainerOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _log = log;
    }

    /// <summary>Gets the options.</summary>
    public TrainerOptions Options => _options;

    /// <summary>Trains until the planned step count or cancellation, on a background thread.</summary>
    /// <param name="progress">Receives a report after every step, synchronously on the training thread; or null.</param>
    /// <param name="cancellationToken">Stops training after the current step; <c>last/</c> is saved and the result says so.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="TrainingDataException">The corpus is missing, malformed or has no usable items.</exception>
    /// <exception cref="TrainingOutputException">The output folder holds another checkpoint, or there is nothing to resume.</exception>
    /// <exception cref="CheckpointFormatException">A checkpoint to resume or start from is unreadable.</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite.</exception>
    public Task<TrainingResult> RunAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => RunCoreAsync(progress, cancellationToken), CancellationToken.None);

    private async Task<TrainingResult> RunCoreAsync(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        string output = Path.GetFullPath(_options.OutputDirectory);
        if (File.Exists(output))
        {
            throw new TrainingOutputException($"The output '{output}' is a file; expected a folder.");
        }

        string lastDirectory = Path.Combine(output, LastDirectoryName);
        string bestDirectory = Path.Combine(output, BestDirectoryName);
        foreach (string slot in new[] { lastDirectory, bestDirectory })
        {
            if (CheckpointSlot.Recover(slot))
            {
                _log?.Invoke($"Repaired '{slot}' after an interrupted save (left-over temporary folders removed).");
            }
        }

        (LeWmConfig baseConfig, IReadOnlyList<SpeakerInfo>? speakerTable, string? weights, TrainingState? state) = Start(lastDirectory);
        LeWmConfig config = _options.ApplyLossWeights(baseConfig);
        if (PreprocessedCorpus.IsEvaluationSet(_options.DataPath))
        {
            throw new TrainingDataException(
                $"'{_options.DataPath}' was preprocessed as an evaluation set (--evaluation): its items are held out for `lewm eval`; train on the training corpus.");
        }

        ManifestDataset dataset = ManifestDataset.Load(_options.DataPath, config, speakerTable, _options.Dataset, _log);
        if (speakerTable is null)
        {
            config = config with { NSpeakers = dataset.Speakers.Count > 1 ? dataset.Speakers.Count : 0 };
        }

        if (!_options.Resume && _options.InitFrom is null)
        {
            RefuseExistingCheckpoint(output, config);
        }

        var sampler = new FrameBatchSampler([.. dataset.Training.Select(item => item.Frames)], _options.BatchFrames, _options.Seed);
        int totalSteps = _options.Steps ?? (_options.Epochs is int epochs ? Enumerable.Range(0, epochs).Sum(e => sampler.Epoch(e).Count) : DefaultSteps);
        if (state is not null && state.TrainingItems != dataset.Training.Count)
        {
            _log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"The corpus now has {dataset.Training.Count} training items; the checkpoint was trained on {state.TrainingItems}: the data order will differ from an uninterrupted run."));
        }

        var run = new Run(this, config, dataset, sampler, totalSteps, lastDirectory, bestDirectory, output);
        try
        {
            run.Initialise(weights, state);
            return await run.TrainAsync(progress, started, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            run.Dispose();
        }
    }

    private (LeWmConfig Config, IReadOnlyList<SpeakerInfo>? Speakers, string? Weights, TrainingState? State) Start(string lastDirectory)
    {
        if (_options.Resume)
        {
            if (!Directory.Exists(lastDirectory))
            {
                throw new TrainingOutputException($"Nothing to resume: '{lastDirectory}' does not exist (train without --resume first).");
            }

            TrainingState state = TrainingState.Read(lastDirectory);
            LeWmCheckpointInfo info = LeWmCheckpoint.ReadInfo(lastDirectory);
            return (info.Config, info.Speakers, info.WeightsPath, state);
        }

        if (_options.InitFrom is not null)
        {
            LeWmCheckpointInfo info = LeWmCheckpoint.ReadInfo(_options.InitFrom);
            _log?.Invoke($"Starting from the weights of '{info.Directory}'.");
            return (info.Config, info.Speakers, info.WeightsPath, null);
        }

        return (_options.Config, null, null, null);
    }

    private static void RefuseExistingCheckpoint(string output, LeWmConfig config)
    {
        foreach (string name in new[] { LastDirectoryName, BestDirectoryName })
        {
            string folder = Path.Combine(output, name);
            if (!File.Exists(Path.Combine(folder, LeWmCheckpoint.ConfigFileName)))
            {
                continue;
            }

            LeWmConfig existing;
            try
            {
                existing = LeWmCheckpoint.ReadInfo(folder).Config;
            }
            catch (Exception e) when (e is CheckpointFormatException or LeWm.Model.ModelConfigurationException)
            {
                throw new TrainingOutputException($"The output folder '{output}' holds an unreadable checkpoint '{folder}' ({e.Message}); choose another output folder.", e);
            }

            if (!LeWmCheckpoint.SharesWeightLayout(existing, config))
            {
                throw new TrainingOutputException(string.Create(CultureInfo.InvariantCulture,
                    $"The output folder '{output}' holds another model's checkpoint ('{folder}': d_model {existing.DModel}, latent_size {existing.LatentSize}, n_speakers {existing.NSpeakers}; this run: d_model {config.DModel}, latent_size {config.LatentSize}, n_speakers {config.NSpeakers}); choose another output folder, or pass --init-from to start from it."));
            }

            throw new TrainingOutputException(
                $"The output folder '{output}' already holds a training checkpoint ('{folder}'); pass --resume to continue it, --init-from to start from it, or choose another output folder.");
        }
    }

    /// <summary>The state of one call to <see cref="RunAsync"/>: the network, optimiser and counters.</summary>
    private sealed class Run : IDisposable
    {
        private readonly Trainer _trainer;
        private readonly TrainerOptions _options;
        private readonly LeWmConfig _config;
        private readonly ManifestDataset _dataset;
        private readonly FrameBatchSampler _sampler;
        private readonly int _totalSteps;
        private readonly string _lastDirectory;
        private readonly string _bestDirectory;
        private readonly string _output;
        private readonly Device _device;
        private readonly LearningRateSchedule _schedule;
        private readonly KlAnnealing _annealing;
        private readonly List<CollatedBatch> _validation;
        private LeWmNetwork? _network;
        private AdamW? _optimizer;
        private List<Parameter> _parameters = [];
        private int _step;
        private DataPosition _position;
        private double? _firstLoss;
        private double? _lastLoss;
        private double? _bestValidationLoss;
        private int _savedStep = -1;

        public Run(
            Trainer trainer, LeWmConfig config, ManifestDataset dataset, FrameBatchSampler sampler, int totalSteps,
            string lastDirectory, string bestDirectory, string output)
        {
            _trainer = trainer;
            _options = trainer._options;
            _config = config;
            _dataset = dataset;
            _sampler = sampler;
            _totalSteps = totalSteps;
            _lastDirectory = lastDirectory;
            _bestDirectory = bestDirectory;
            _output = output;
            _device = _options.Device == TrainingDevice.Cuda ? CudaDevice() : CPU;
            _schedule = new LearningRateSchedule(_options.LearningRate, _options.WarmupSteps, totalSteps, _options.FinalLearningRateRatio);
            _annealing = new KlAnnealing(config.KlWeight, totalSteps);
            bool withSpeakers = config.NSpeakers > 0;
            _validation = dataset.Validation.Count == 0
                ? []
                : [.. new FrameBatchSampler([.. dataset.Validation.Select(i => i.Frames)], _options.BatchFrames, 0).Sequential()
                    .Select(batch => CollatedBatch.Collate(dataset.Validation, batch, config, withSpeakers))];
        }

        private LeWmNetwork Network => _network ?? throw new InvalidOperationException("The run is not initialised.");

        private AdamW Optimizer => _optimizer ?? throw new InvalidOperationException("The run is not initialised.");

        public void Initialise(string? weights, TrainingState? state)
        {
            torch.manual_seed(_options.Seed);
            _network = new LeWmNetwork(_config);
            if (weights is not null)
            {
                StateDictFile.LoadInto(_network, weights, strict: true);
            }

            _network.to(_device);
            _network.train();
            _parameters = [.. _network.parameters()];
            _optimizer = torch.optim.AdamW(_parameters, lr: _options.LearningRate, weight_decay: _options.WeightDecay);
            if (state is null)
            {
                return;
            }

            using (FileStream stream = File.OpenRead(Path.Combine(_lastDirectory, TrainingState.OptimizerFileName)))
            using (var reader = new BinaryReader(stream))
            {
                _optimizer.load_state_dict(reader);
            }

            byte[] rng = File.ReadAllBytes(Path.Combine(_lastDirectory, TrainingState.RngFileName));
            using (Tensor rngState = torch.tensor(rng, dtype: ScalarType.Byte))
            {
                torch.set_rng_state(rngState);
            }

            _step = state.Step;
            _savedStep = state.Step;
            _position = new DataPosition(state.Epoch, state.BatchInEpoch);
            _firstLoss = state.FirstLoss;
            _lastLoss = state.LastLoss;
            _bestValidationLoss = state.BestValidationLoss;
            if (state.TotalSteps != _totalSteps)
            {
                _trainer._log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"The run was planned for {state.TotalSteps} steps and now for {_totalSteps}: the learning-rate and KL schedules change from step {state.Step}."));
            }
        }

        public async Task<TrainingResult> TrainAsync(IProgress<TrainingProgress>? progress, long started, CancellationToken cancellationToken)
        {
            var tensorBoard = new TensorBoardLog(_options.TensorBoard ? Path.Combine(_output, TensorBoardDirectoryName) : null);
            int firstStep = _step;
            long validFrames = 0;
            long loopStart = Stopwatch.GetTimestamp();
            bool cancelled = false;
            await using (var prefetcher = new BatchPrefetcher(
                _dataset.Training, _sampler, _config, _config.NSpeakers > 0, _position, _options.PrefetchBatches))
            {
                while (_step < _totalSteps)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        cancelled = true;
                        break;
                    }

                    PrefetchedBatch next;
                    try
                    {
                        next = await prefetcher.NextAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        cancelled = true;
                        break;
                    }

                    double learningRate = _schedule.At(_step);
                    double klWeight = _annealing.At(_step);
                    (TrainingLossValues losses, double gradientNorm) = TrainStep(next.Batch, learningRate, klWeight);
                    _step++;
                    _position = next.Next;
                    validFrames += next.Batch.ValidFrames;
                    _firstLoss ??= losses.Total;
                    _lastLoss = losses.Total;
                    double seconds = Stopwatch.GetElapsedTime(loopStart).TotalSeconds;
                    double stepsPerSecond = (_step - firstStep) / Math.Max(seconds, 1e-9);
                    double waitShare = Math.Clamp(prefetcher.WaitTime.TotalSeconds / Math.Max(seconds, 1e-9), 0.0, 1.0);
                    if (_step % _options.LogEvery == 0 || _step == _totalSteps)
                    {
                        tensorBoard.Losses("train", losses, _step);
                        tensorBoard.Scalar("train/kl_weight", klWeight, _step);
                        tensorBoard.Scalar("train/learning_rate", learningRate, _step);
                        tensorBoard.Scalar("train/grad_norm", gradientNorm, _step);
                        tensorBoard.Scalar("train/steps_per_second", stepsPerSecond, _step);
                        tensorBoard.Scalar("train/data_wait_share", waitShare, _step);
                    }

                    TrainingLossValues? validation = null;
                    if (_validation.Count > 0 && (_step % _options.ValidateEvery == 0 || _step == _totalSteps))
                    {
                        validation = Validate();
                        tensorBoard.Losses("val", validation, _step);
                        if (_bestValidationLoss is null || validation.Total < _bestValidationLoss)
                        {
                            _bestValidationLoss = validation.Total;
                            CheckpointSlot.Replace(_bestDirectory, folder => LeWmCheckpoint.Save(folder, Network, _config, _dataset.Speakers, TextNormalizer.Version));
                        }
                    }

                    if (_step % _options.SaveEvery == 0 || _step == _totalSteps)
                    {
                        SaveLast();
                    }

                    progress?.Report(new TrainingProgress(
                        _step, _totalSteps, next.Position.Epoch, losses, klWeight, learningRate, gradientNorm, stepsPerSecond, waitShare, validation));
                }

                double loopSeconds = Stopwatch.GetElapsedTime(loopStart).TotalSeconds;
                if (_savedStep != _step)
                {
                    SaveLast();
                }

                int stepsThisRun = _step - firstStep;
                double dataWait = stepsThisRun == 0 ? 0.0 : Math.Clamp(prefetcher.WaitTime.TotalSeconds / Math.Max(loopSeconds, 1e-9), 0.0, 1.0);
                return new TrainingResult(
                    _step,
                    stepsThisRun,
                    _totalSteps,
                    _firstLoss ?? double.NaN,
                    _lastLoss ?? double.NaN,
                    _bestValidationLoss,
                    Stopwatch.GetElapsedTime(started),
                    stepsThisRun / Math.Max(loopSeconds, 1e-9),
                    validFrames / Math.Max(loopSeconds, 1e-9),
                    dataWait,
                    cancelled,
                    _lastDirectory,
                    Directory.Exists(_bestDirectory) ? _bestDirectory : null);
            }
        }

        public void Dispose()
        {
            _optimizer?.Dispose();
            _network?.Dispose();
        }

        private (TrainingLossValues Losses, double GradientNorm) TrainStep(CollatedBatch batch, double learningRate, double klWeight)
        {
            using var scope = torch.NewDisposeScope();
            foreach (var group in Optimizer.ParamGroups)
            {
                group.LearningRate = learningRate;
            }

            Optimizer.zero_grad();
            LeWmLosses losses = Network.ComputeLosses(batch.ToBatch(_device), klWeight);
            TrainingLossValues values = Values(losses);
            if (!double.IsFinite(values.Total))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The training loss became {values.Total} at step {_step + 1} (learning rate {learningRate:G3}); lower the learning rate or check the data."));
            }

            losses.Total.backward();
            double gradientNorm = torch.nn.utils.clip_grad_norm_(_parameters, _options.GradientClipNorm);
            Optimizer.step();
            return (values, gradientNorm);
        }

        private TrainingLossValues Validate()
        {
            Network.eval();
            try
            {
                double[] sums = new double[6];
                int items = 0;
                using (torch.no_grad())
                {
                    foreach (CollatedBatch batch in _validation)
                    {
                        using var scope = torch.NewDisposeScope();
                        TrainingLossValues values = Values(Network.ComputeLosses(batch.ToBatch(_device), _config.KlWeight));
                        double[] row = [values.Total, values.Prediction, values.Kl, values.Recon, values.Spectral, values.Stop];
                        for (int i = 0; i < row.Length; i++)
                        {
                            sums[i] += row[i] * batch.Count;
                        }

                        items += batch.Count;
                    }
                }

                return new TrainingLossValues(sums[0] / items, sums[1] / items, sums[2] / items, sums[3] / items, sums[4] / items, sums[5] / items);
            }
            finally
            {
                Network.train();
            }
        }

        private void SaveLast()
        {
            var state = new TrainingState
            {
                Step = _step,
                TotalSteps = _totalSteps,
                Epoch = _position.Epoch,
                BatchInEpoch = _position.Batch,
                Seed = _options.Seed,
                BatchFrames = _options.BatchFrames,
                TrainingItems = _dataset.Training.Count,
                FirstLoss = _firstLoss,
                LastLoss = _lastLoss,
                BestValidationLoss = _bestValidationLoss,
            };
            CheckpointSlot.Replace(_lastDirectory, folder =>
            {
                LeWmCheckpoint.Save(folder, Network, _config, _dataset.Speakers, TextNormalizer.Version);
                AtomicFile.Write(Path.Combine(folder, TrainingState.OptimizerFileName), stream =>
                {
                    using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                    Optimizer.save_state_dict(writer);
                    writer.Flush();
                });
                using (Tensor rng = torch.get_rng_state())
                {
                    AtomicFile.WriteAllBytes(Path.Combine(folder, TrainingState.RngFileName), rng.data<byte>().ToArray());
                }

                AtomicFile.WriteAllBytes(Path.Combine(folder, TrainingState.FileName), Encoding.UTF8.GetBytes(state.ToJson()));
            });
            _savedStep = _step;
        }

        private static TrainingLossValues Values(LeWmLosses losses)
        {
            using var scope = torch.NewDisposeScope();
            float[] v = torch.stack([losses.Total, losses.Prediction, losses.Kl, losses.Recon, losses.Spectral, losses.Stop])
                .detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
            return new TrainingLossValues(v[0], v[1], v[2], v[3], v[4], v[5]);
        }

        private static Device CudaDevice()
        {
            if (!torch.cuda.is_available())
            {
                throw new ArgumentException("CUDA was requested but is not available: reference a TorchSharp CUDA runtime package and check the driver, or train on the CPU.");
            }

            return CUDA;
        }
    }
}
