using System.Globalization;
using System.Text;
using LeWm.Inference;

namespace LeWm.Training.Preprocessing;

/// <summary>
/// Finds the speakers, recordings and transcripts of a corpus folder (the layouts are described on
/// <see cref="Preprocessor"/>). Transcripts are normalised by <see cref="TextNormalizer"/>, the normaliser the engine
/// runs at inference.
/// </summary>
internal static class CorpusScanner
{
    /// <summary>The LJSpeech transcript file of a speaker folder.</summary>
    public const string MetadataFileName = "metadata.csv";

    private const string WavsFolderName = "wavs";

    /// <summary>Scans <paramref name="inputDirectory"/>, leaving out <paramref name="excludedDirectory"/> (the output).</summary>
    /// <exception cref="DirectoryNotFoundException">The input folder does not exist.</exception>
    /// <exception cref="CorpusException">The folder holds no WAV files in either layout.</exception>
    public static CorpusLayout Scan(string inputDirectory, string excludedDirectory)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(inputDirectory));
        string excluded = Path.TrimEndingDirectorySeparator(Path.GetFullPath(excludedDirectory));
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The corpus folder '{inputDirectory}' does not exist.");
        }

        var speakerFolders = new List<(string Name, string Folder)>();
        if (IsSpeakerFolder(root))
        {
            speakerFolders.Add((Path.GetFileName(root), root));
        }
        else
        {
            foreach (string folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(folder);
                if (!name.StartsWith('.') && !string.Equals(folder, excluded, StringComparison.Ordinal) && IsSpeakerFolder(folder))
                {
                    speakerFolders.Add((name, folder));
                }
            }
        }

        if (speakerFolders.Count == 0)
        {
            throw new CorpusException(
                $"No recordings found in '{inputDirectory}': expected WAV files with a {MetadataFileName} (LJSpeech layout) or a .txt transcript beside each .wav, either in the folder itself or in one sub-folder per speaker.");
        }

        var recordings = new List<CorpusRecording>();
        var skipped = new List<SkippedRecording>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        bool prefixIds = speakerFolders.Count > 1;
        foreach ((string speaker, string folder) in speakerFolders)
        {
            var found = new List<(string Id, string Audio, string? Text, string? Problem)>();
            if (File.Exists(Path.Combine(folder, MetadataFileName)))
            {
                ReadMetadata(root, folder, found, skipped);
            }
            else
            {
                ReadTextFiles(folder, found);
            }

            foreach ((string id, string audio, string? text, string? problem) in found)
            {
                string source = Relative(root, audio);
                if (problem is not null)
                {
                    skipped.Add(new SkippedRecording(source, problem));
                    continue;
                }

                string outputId = SafeId(prefixIds ? $"{speaker}_{id}" : id);
                if (ids.TryGetValue(outputId, out string? other))
                {
                    skipped.Add(new SkippedRecording(source, $"its id '{outputId}' is already taken by '{other}'"));
                    continue;
                }

                ids.Add(outputId, source);
                recordings.Add(new CorpusRecording(outputId, speaker, audio, source, text!));
            }
        }

        return new CorpusLayout([.. speakerFolders.Select(s => s.Name)], recordings, skipped);
    }

    private static bool IsSpeakerFolder(string folder) =>
        File.Exists(Path.Combine(folder, MetadataFileName))
        || WavFiles(folder).Any()
        || WavFiles(Path.Combine(folder, WavsFolderName)).Any();

    private static IEnumerable<string> WavFiles(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
            : [];

    /// <summary>All WAV files of a speaker folder: directly in it and in its <c>wavs/</c> sub-folder, in ordinal order.</summary>
    private static List<string> SpeakerWavFiles(string folder) =>
        [.. WavFiles(folder).Concat(WavFiles(Path.Combine(folder, WavsFolderName))).Order(StringComparer.Ordinal)];

    /// <summary>The LJSpeech layout: <c>id|text</c> or <c>id|text|normalized</c>; audio in <c>wavs/id.wav</c> or <c>id.wav</c>.</summary>
    private static void ReadMetadata(
        string root, string folder, List<(string Id, string Audio, string? Text, string? Problem)> found, List<SkippedRecording> skipped)
    {
        string metadata = Path.Combine(folder, MetadataFileName);
        string metadataSource = Relative(root, metadata);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(metadata, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split('|');
            string id = fields[0].Trim();
            if (fields.Length < 2 || id.Length == 0)
            {
                skipped.Add(new SkippedRecording($"{metadataSource}:{lineNumber}", "not an 'id|text' or 'id|text|normalized' line"));
                continue;
            }

            if (!listed.Add(id))
            {
                skipped.Add(new SkippedRecording($"{metadataSource}:{lineNumber}", $"id '{id}' is listed twice"));
                continue;
            }

            string? audio = new[] { Path.Combine(folder, WavsFolderName, id + ".wav"), Path.Combine(folder, id + ".wav") }
                .FirstOrDefault(File.Exists);
            if (audio is null)
            {
                skipped.Add(new SkippedRecording(
                    $"{metadataSource}:{lineNumber}", $"audio '{WavsFolderName}/{id}.wav' not found"));
                continue;
            }

            string text = TextNormalizer.Normalize(fields.Length >= 3 && !string.IsNullOrWhiteSpace(fields[2]) ? fields[2] : fields[1]);
            found.Add((id, audio, text, text.Length == 0 ? "empty transcript" : null));
        }

        foreach (string wav in SpeakerWavFiles(folder))
        {
            if (!listed.Contains(Path.GetFileNameWithoutExtension(wav)))
            {
                found.Add((Path.GetFileNameWithoutExtension(wav), wav, null, $"no transcript: not listed in {MetadataFileName}"));
            }
        }
    }

    /// <summary>The layout of a <c>.txt</c> transcript beside each <c>.wav</c>.</summary>
    private static void ReadTextFiles(string folder, List<(string Id, string Audio, string? Text, string? Problem)> found)
    {
        foreach (string wav in SpeakerWavFiles(folder))
        {
            string id = Path.GetFileNameWithoutExtension(wav);
            string transcript = Path.ChangeExtension(wav, ".txt");
            if (!File.Exists(transcript))
            {
                found.Add((id, wav, null, $"no transcript: '{Path.GetFileName(transcript)}' is missing (and there is no {MetadataFileName})"));
                continue;
            }

            string text = TextNormalizer.Normalize(File.ReadAllText(transcript, Encoding.UTF8));
            found.Add((id, wav, text, text.Length == 0 ? "empty transcript" : null));
        }
    }

    /// <summary>Keeps letters, digits, combining marks, '-', '_' and '.' (not leading); anything else becomes '_'.</summary>
    private static string SafeId(string id)
    {
        var builder = new StringBuilder(id.Length);
        foreach (char c in id)
        {
            bool keep = char.IsLetterOrDigit(c)
                || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                || c is '-' or '_'
                || (c == '.' && builder.Length > 0);
            builder.Append(keep ? c : '_');
        }

        return builder.ToString();
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
