using System.Globalization;
using System.Text;
using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Inference;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;

namespace LeWm.Training.Data;

/// <summary>
/// A preprocessed corpus held in memory: every usable <c>manifest.jsonl</c> item with its framed text ids, speaker id
/// and log-mel, split deterministically into training and validation items. The text ids are those of the transcript
/// normalised by <see cref="TextNormalizer"/>, as at inference.
/// </summary>
/// <remarks>
/// Items that cannot be used (empty or too long text, a missing or malformed mel, too few or too many frames, a
/// duplicate id) are skipped with a warning. The validation split depends only on the item ids (an FNV-1a hash), so
/// it is stable across runs, seeds and manifest order. Immutable after loading; safe to read from several threads.
/// </remarks>
public sealed class ManifestDataset
{
    private ManifestDataset(
        string manifestPath, IReadOnlyList<DatasetItem> training, IReadOnlyList<DatasetItem> validation,
        IReadOnlyList<SpeakerInfo> speakers, IReadOnlyList<string> warnings)
    {
        ManifestPath = manifestPath;
        Training = training;
        Validation = validation;
        Speakers = speakers;
        Warnings = warnings;
    }

    /// <summary>Gets the full path of the manifest that was read.</summary>
    public string ManifestPath { get; }

    /// <summary>Gets the training items, in manifest order.</summary>
    public IReadOnlyList<DatasetItem> Training { get; }

    /// <summary>Gets the held-out validation items, in manifest order (empty only for a one-item corpus).</summary>
    public IReadOnlyList<DatasetItem> Validation { get; }

    /// <summary>Gets the speakers, ordered by id: names sorted ordinally, or the ids of the speaker table passed to <see cref="Load"/>.</summary>
    public IReadOnlyList<SpeakerInfo> Speakers { get; }

    /// <summary>Gets one line per skipped item, saying which and why.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Reads a preprocessed corpus into memory.</summary>
    /// <param name="data">The corpus folder holding <c>manifest.jsonl</c>, or the manifest file itself.</param>
    /// <param name="config">The model configuration: <c>n_mels</c>, <c>max_text_bytes</c>, <c>max_frames</c>, <c>downsample</c> and the text ids.</param>
    /// <param name="speakerTable">
    /// The speakers of a checkpoint being resumed or fine-tuned, or null to number the corpus's speakers 0, 1, … in
    /// ordinal name order. When given, every corpus speaker must be named in it, except that a one-speaker corpus may
    /// fine-tune a one-speaker model (id 0) whatever the names.
    /// </param>
    /// <param name="options">The split options; null for the defaults.</param>
    /// <param name="warning">Called once per skipped item, or null.</param>
    /// <returns>The loaded corpus.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> is null or white space.</exception>
    /// <exception cref="TrainingDataException">
    /// The manifest is missing, a line is not a manifest entry, a speaker is not in <paramref name="speakerTable"/>, or
    /// no item is usable; the message names the path or line.
    /// </exception>
    public static ManifestDataset Load(
        string data, LeWmConfig config, IReadOnlyList<SpeakerInfo>? speakerTable = null,
        ManifestDatasetOptions? options = null, Action<string>? warning = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        ArgumentNullException.ThrowIfNull(config);
        options ??= new ManifestDatasetOptions();
        options.Validate();
        if (!Directory.Exists(data) && !File.Exists(data))
        {
            throw new TrainingDataException($"No training data: the folder '{Path.GetFullPath(data)}' does not exist.");
        }

        string manifestPath = Path.GetFullPath(Directory.Exists(data) ? Path.Combine(data, Manifest.FileName) : data);
        IReadOnlyList<ManifestEntry> entries;
        try
        {
            entries = Manifest.Read(manifestPath);
        }
        catch (FileNotFoundException e)
        {
            throw new TrainingDataException($"No training data: '{manifestPath}' does not exist (run lewm preprocess first).", e);
        }
        catch (InvalidDataException e)
        {
            throw new TrainingDataException(e.Message, e);
        }

        if (entries.Count == 0)
        {
            throw new TrainingDataException($"No training data: '{manifestPath}' lists no items.");
        }

        (IReadOnlyList<SpeakerInfo> speakers, Dictionary<string, int> speakerIds) = AssignSpeakers(entries, speakerTable, config, manifestPath);
        string folder = Path.GetDirectoryName(manifestPath) ?? ".";
        var loaded = new DatasetItem?[entries.Count];
        var reasons = new string?[entries.Count];
        Parallel.For(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, i =>
        {
            (loaded[i], reasons[i]) = LoadItem(entries[i], folder, config, speakerIds);
        });

        var warnings = new List<string>();
        var items = new List<DatasetItem>(entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            string? reason = reasons[i] ?? (seen.Add(entries[i].Id) ? null : "its id appears earlier in the manifest");
            if (reason is not null)
            {
                string line = $"Skipped '{entries[i].Id}': {reason}.";
                warnings.Add(line);
                warning?.Invoke(line);
                continue;
            }

            items.Add(loaded[i]!);
        }

        if (items.Count == 0)
        {
            throw new TrainingDataException(string.Create(CultureInfo.InvariantCulture,
                $"No usable training items in '{manifestPath}': all {entries.Count} were skipped (first: {warnings[0]})"));
        }

        HashSet<string> validationIds = ChooseValidation(items, options);
        return new ManifestDataset(
            manifestPath,
            [.. items.Where(item => !validationIds.Contains(item.Id))],
            [.. items.Where(item => validationIds.Contains(item.Id))],
            speakers,
            warnings);
    }

    private static (IReadOnlyList<SpeakerInfo> Speakers, Dictionary<string, int> Ids) AssignSpeakers(
        IReadOnlyList<ManifestEntry> entries, IReadOnlyList<SpeakerInfo>? table, LeWmConfig config, string manifestPath)
    {
        string[] names = [.. entries.Select(e => e.Speaker).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (table is null)
        {
            var fresh = names.Select((name, id) => new SpeakerInfo(id, name)).ToList();
            return (fresh, fresh.ToDictionary(s => s.Name, s => s.Id, StringComparer.Ordinal));
        }

        if (names.Length == 1 && config.NSpeakers == 0 && table.Count <= 1)
        {
            return (table.Count == 1 ? table : [new SpeakerInfo(0, names[0])], new Dictionary<string, int>(StringComparer.Ordinal) { [names[0]] = 0 });
        }

        var ids = table.ToDictionary(s => s.Name, s => s.Id, StringComparer.Ordinal);
        string[] unknown = [.. names.Where(name => !ids.ContainsKey(name))];
        if (unknown.Length > 0)
        {
            throw new TrainingDataException(
                $"The corpus '{manifestPath}' has speaker(s) {string.Join(", ", unknown.Select(n => $"'{n}'"))} that the model's speaker table " +
                $"({string.Join(", ", table.Select(s => $"{s.Id}: '{s.Name}'"))}) does not name.");
        }

        return (table, ids);
    }

    private static (DatasetItem? Item, string? Reason) LoadItem(
        ManifestEntry entry, string folder, LeWmConfig config, Dictionary<string, int> speakerIds)
    {
        // Normalised again (a no-op for text the preprocessor wrote) so that a manifest made by an older preprocessor
        // trains on the same text the engine feeds the model, as the checkpoint's text_normalizer_version says.
        string text = TextNormalizer.Normalize(entry.Text);
        if (text.Length == 0)
        {
            return (null, "its text is empty");
        }

        int bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > config.MaxTextBytes)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"its text has {bytes} UTF-8 bytes, more than max_text_bytes = {config.MaxTextBytes}"));
        }

        string melPath = Path.GetFullPath(Path.Combine(folder, entry.Mel));
        NpyArray mel;
        try
        {
            mel = NpyFile.Read(melPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or LeWmException or IOException)
        {
            return (null, $"its mel '{melPath}' cannot be read ({e.Message.ReplaceLineEndings(" ")})");
        }

        if (mel.Shape.Length != 2 || mel.Shape[0] != config.NMels)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"its mel '{melPath}' is [{string.Join(", ", mel.Shape)}]; expected [{config.NMels}, frames]"));
        }

        int frames = mel.Shape[1];
        if (frames != entry.Frames)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"its mel '{melPath}' has {frames} frames but the manifest says {entry.Frames}"));
        }

        if (frames < config.Downsample)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"its {frames} mel frames are fewer than one latent frame ({config.Downsample})"));
        }

        if (frames > config.MaxFrames)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"its {frames} mel frames exceed max_frames = {config.MaxFrames}"));
        }

        return (new DatasetItem(entry.Id, TextIdEncoder.Encode(text, config), speakerIds[entry.Speaker], frames, mel.Data), null);
    }

    private static HashSet<string> ChooseValidation(List<DatasetItem> items, ManifestDatasetOptions options)
    {
        if (items.Count < 2)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        int count = options.ValidationItems
            ?? Math.Min(options.MaxValidationItems, (int)Math.Round(options.ValidationFraction * items.Count, MidpointRounding.AwayFromZero));
        count = Math.Clamp(count, 1, items.Count - 1);
        return items
            .OrderBy(item => StableHash(item.Id))
            .ThenBy(item => item.Id, StringComparer.Ordinal)
            .Take(count)
            .Select(item => item.Id)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>FNV-1a 64 of the id's UTF-8 bytes: the same on every platform and run.</summary>
    private static ulong StableHash(string id)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(id))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
