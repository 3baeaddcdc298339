using System.Diagnostics;
using LeWm.Audio;
using LeWm.Audio.Dsp;
using LeWm.Audio.Evaluation;
using LeWm.Audio.Mel;
using LeWm.Audio.Wav;
using LeWm.Inference;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Training.Data;
using LeWm.Training.Preprocessing;

namespace LeWm.Training.Evaluation;

/// <summary>
/// Scores a model on the held-out items of a preprocessed corpus: for each item, autoregressive synthesis of its text,
/// teacher-forced prediction and reconstruction of its recording, and the Griffin-Lim floor, each measured by MCD-DTW
/// and trimmed duration ratio against the recording; plus the real-time factor of synthesis.
/// </summary>
/// <remarks>
/// <para>
/// This runner lives in LeWm.Training because the held-out split is training's: it is the validation split
/// <see cref="ManifestDataset"/> computes (by id hash, after skipping unusable items), which only this package knows;
/// the manifest has no separate evaluation split. It drives the model only through the public <see cref="ITtsEngine"/>,
/// so any backend and vocoder can be scored, and <c>lewm eval</c> is a thin layer over it.
/// </para>
/// <para>
/// Every rendering and the reference are analysed by the Vocos front end (<see cref="MelSpectrogram"/>, 24 kHz, 100
/// bands); the reference recording is resampled to 24 kHz first. Durations and distortions use the 40 dB edge trim of
/// <see cref="MelCepstralDistortion"/>. Synthesis uses <see cref="CorpusEvaluatorOptions.Synthesis"/> (deterministic unless it
/// sets a temperature without a seed) with the item's speaker when the model has several.
/// </para>
/// </remarks>
public static class CorpusEvaluator
{
    /// <summary>The name of the held-out split that is evaluated.</summary>
    public const string ValidationSplit = "validation";

    /// <summary>The split name reported when every item of a held-out corpus is evaluated.</summary>
    public const string AllItemsSplit = "all";

    /// <summary>Evaluates <paramref name="engine"/> on the held-out items of the corpus at <paramref name="data"/>.</summary>
    /// <param name="engine">The engine to score (its model and vocoder).</param>
    /// <param name="config">The model's configuration (text and frame limits decide, as in training, which items are usable).</param>
    /// <param name="data">The preprocessed corpus folder (holding <c>manifest.jsonl</c>) or the manifest itself.</param>
    /// <param name="options">Item count, split and distortion settings; the defaults when null.</param>
    /// <param name="progress">Told after each item, or null.</param>
    /// <param name="cancellationToken">Cancels the evaluation between and inside items.</param>
    /// <returns>The per-item scores and their means.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> or <paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="data"/> is empty; or the engine does not produce the 24 kHz, 100-band Vocos front end's rate and
    /// bands, or disagrees with <paramref name="config"/>.
    /// </exception>
    /// <exception cref="TrainingDataException">The corpus is missing, unreadable, has no usable or no held-out items, or names speakers the model lacks.</exception>
    /// <exception cref="FileNotFoundException">A held-out item's reference recording is missing.</exception>
    /// <exception cref="AudioFormatException">A reference recording is unreadable or too short for one analysis window.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<CorpusEvaluation> EvaluateAsync(
        ITtsEngine engine, LeWmConfig config, string data, CorpusEvaluatorOptions? options = null,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        options ??= new CorpusEvaluatorOptions();
        options.Validate();
        var frontEnd = new MelSpectrogram();
        CheckEngine(engine, config, frontEnd.Options);

        // A multi-speaker model is asked for each item's speaker by the name in its speaker table; a single-speaker
        // model speaks every item in its one voice.
        IReadOnlyList<SpeakerDescriptor> modelSpeakers = engine.Model.Speakers;
        IReadOnlyList<SpeakerInfo>? table = modelSpeakers.Count > 1 ? [.. modelSpeakers.Select(s => new SpeakerInfo(s.Id, s.Name))] : null;
        ManifestDataset dataset = ManifestDataset.Load(data, config, table, options.Dataset);
        bool allItems = options.AllItems || PreprocessedCorpus.IsEvaluationSet(data);
        IReadOnlyList<DatasetItem> heldOut = allItems ? [.. dataset.Training, .. dataset.Validation] : dataset.Validation;
        if (heldOut.Count == 0)
        {
            throw new TrainingDataException(
                $"The corpus '{dataset.ManifestPath}' has no held-out items: it needs at least two usable items (it has {dataset.Training.Count}).");
        }

        string folder = Path.GetDirectoryName(dataset.ManifestPath) ?? ".";
        var entries = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach (ManifestEntry entry in Manifest.Read(dataset.ManifestPath))
        {
            entries.TryAdd(entry.Id, entry);
        }

        DatasetItem[] chosen = [.. AcrossSpeakers(heldOut).Take(options.MaxItems)];
        var griffinLim = new GriffinLim(frontEnd.Options, options.GriffinLim);
        var items = new List<ItemEvaluation>(chosen.Length);
        foreach (DatasetItem held in chosen)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ManifestEntry entry = entries[held.Id];
            int? speaker = table is null ? null : held.SpeakerId;
            ItemEvaluation item = await EvaluateItemAsync(
                engine, frontEnd, griffinLim, options, entry, Path.GetFullPath(Path.Combine(folder, entry.Audio)), speaker, cancellationToken)
                .ConfigureAwait(false);
            items.Add(item);
            progress?.Report(new EvaluationProgress(items.Count, chosen.Length, item));
        }

        return new CorpusEvaluation(dataset.ManifestPath, allItems ? AllItemsSplit : ValidationSplit, heldOut.Count, items);
    }

    /// <summary>
    /// The items in an order that takes every speaker's first item (by id), then every speaker's second, and so on, so
    /// that a limit samples all speakers evenly instead of the first speaker's items only.
    /// </summary>
    private static IEnumerable<DatasetItem> AcrossSpeakers(IReadOnlyList<DatasetItem> items) =>
        items.GroupBy(item => item.SpeakerId)
            .SelectMany(speaker => speaker.OrderBy(item => item.Id, StringComparer.Ordinal).Select((item, rank) => (item, rank)))
            .OrderBy(x => x.rank)
            .ThenBy(x => x.item.SpeakerId)
            .Select(x => x.item);

    private static async Task<ItemEvaluation> EvaluateItemAsync(
        ITtsEngine engine, MelSpectrogram frontEnd, GriffinLim griffinLim, CorpusEvaluatorOptions options,
        ManifestEntry entry, string audioPath, int? speaker, CancellationToken cancellationToken)
    {
        MelCepstralDistortionOptions distortion = options.Distortion;
        if (!File.Exists(audioPath))
        {
            throw new FileNotFoundException($"The reference recording '{audioPath}' of item '{entry.Id}' does not exist.", audioPath);
        }

        AudioClip reference = WavReader.Read(audioPath).ResampleTo(frontEnd.Options.SampleRate);
        if (reference.Length <= frontEnd.Options.FftSize / 2)
        {
            throw new AudioFormatException(
                $"The reference recording '{audioPath}' of item '{entry.Id}' is {reference.Duration.TotalMilliseconds:0.#} ms long; too short for one analysis window.");
        }

        LogMel referenceMel = frontEnd.Compute(reference);

        long started = Stopwatch.GetTimestamp();
        SpeechResult synthesized = await engine.SynthesizeAsync(entry.Text, options.Synthesis with { Speaker = speaker }, cancellationToken).ConfigureAwait(false);
        TimeSpan synthesisTime = Stopwatch.GetElapsedTime(started);
        SpeechResult predicted = await engine.PredictAsync(reference, entry.Text, speaker, cancellationToken).ConfigureAwait(false);
        SpeechResult reconstructed = await engine.ReconstructAsync(reference, cancellationToken).ConfigureAwait(false);
        float[] floor = griffinLim.Synthesize(referenceMel, cancellationToken);

        DistortionScore Score(float[] samples, int sampleRate) => ScoreAgainst(referenceMel, frontEnd, distortion, samples, sampleRate);
        return new ItemEvaluation(
            entry.Id,
            entry.Speaker,
            speaker,
            entry.Text,
            reference.Duration.TotalSeconds,
            Score(synthesized.Samples, synthesized.SampleRate),
            Score(predicted.Samples, predicted.SampleRate),
            Score(reconstructed.Samples, reconstructed.SampleRate),
            Score(floor, frontEnd.Options.SampleRate),
            synthesisTime);
    }

    /// <summary>Analyses a rendering with the front end and scores it against the reference mel.</summary>
    private static DistortionScore ScoreAgainst(
        LogMel referenceMel, MelSpectrogram frontEnd, MelCepstralDistortionOptions distortion, float[] samples, int sampleRate)
    {
        AudioClip clip = new AudioClip(samples, sampleRate).ResampleTo(frontEnd.Options.SampleRate);
        float[] audio = clip.Samples.ToArray();
        int shortest = (frontEnd.Options.FftSize / 2) + 1;
        if (audio.Length < shortest)
        {
            // A model that stops at once renders less than one analysis window: pad it with silence, which the edge
            // trim then ignores, rather than fail the whole evaluation on an untrained model.
            Array.Resize(ref audio, shortest);
        }

        MelCepstralDistortionResult result = MelCepstralDistortion.Compute(referenceMel, frontEnd.Compute(audio), distortion);
        return new DistortionScore(result.Decibels, result.DurationRatio, (double)samples.Length / sampleRate);
    }

    private static void CheckEngine(ITtsEngine engine, LeWmConfig config, MelOptions frontEnd)
    {
        SpeechModelInfo model = engine.Model;
        if (engine.SampleRate != frontEnd.SampleRate || model.SampleRate != frontEnd.SampleRate || model.MelBands != frontEnd.Bands || model.HopLength != frontEnd.HopLength)
        {
            throw new ArgumentException(
                $"The engine renders {engine.SampleRate} Hz audio from a {model.SampleRate} Hz, {model.MelBands}-band mel with hop {model.HopLength}; " +
                $"evaluation compares against the Vocos front end ({frontEnd.SampleRate} Hz, {frontEnd.Bands} bands, hop {frontEnd.HopLength}).",
                nameof(engine));
        }

        if (config.NMels != model.MelBands)
        {
            throw new ArgumentException($"The configuration has n_mels = {config.NMels}; the engine's model has {model.MelBands} bands.", nameof(config));
        }
    }
}
