using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LeWm.Audio.IO;

namespace LeWm.Training.Data;

/// <summary>Reads and writes <c>manifest.jsonl</c>: one <see cref="ManifestEntry"/> JSON object per line.</summary>
public static class Manifest
{
    /// <summary>The manifest's file name inside a preprocessed corpus folder.</summary>
    public const string FileName = "manifest.jsonl";

    // Text stays readable in the file (Devanagari as UTF-8, not \u escapes); a JSON-lines file is never embedded in HTML.
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads every entry of a manifest.</summary>
    /// <param name="path">The <c>manifest.jsonl</c> file, or the folder that holds it.</param>
    /// <returns>The entries in file order (blank lines are skipped).</returns>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is not a JSON manifest entry; the message names the line.</exception>
    public static IReadOnlyList<ManifestEntry> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"No manifest at '{file}'.", file);
        }

        var entries = new List<ManifestEntry>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(file, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            entries.Add(Parse(line, file, lineNumber));
        }

        return entries;
    }

    /// <summary>Writes a manifest atomically (a temporary file, then a rename).</summary>
    /// <param name="path">The <c>manifest.jsonl</c> file to write.</param>
    /// <param name="entries">The entries, written one per line in order.</param>
    public static void Write(string path, IEnumerable<ManifestEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        foreach (ManifestEntry entry in entries)
        {
            text.Append(ToJsonLine(entry)).Append('\n');
        }

        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Serialises one entry as a single JSON line (no newline).</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The JSON object.</returns>
    public static string ToJsonLine(ManifestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return JsonSerializer.Serialize(entry, s_options);
    }

    private static ManifestEntry Parse(string line, string file, int lineNumber)
    {
        ManifestEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize<ManifestEntry>(line, s_options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}:{lineNumber}: not a JSON manifest entry ({e.Message}).", e);
        }

        if (entry is null || string.IsNullOrEmpty(entry.Id) || entry.Text is null || entry.Mel is null || entry.Audio is null
            || entry.Speaker is null || entry.Frames <= 0)
        {
            throw new InvalidDataException(
                $"{file}:{lineNumber}: a manifest entry needs id, text, speaker, audio, mel and a positive frames count.");
        }

        return entry;
    }
}
