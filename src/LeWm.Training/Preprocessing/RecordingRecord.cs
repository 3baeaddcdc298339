using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using LeWm.Audio.IO;
using LeWm.Training.Data;

namespace LeWm.Training.Preprocessing;

/// <summary>
/// The note a run leaves in <c>records/ID.json</c> once every output of a recording is on disk: what it was made from
/// and which segments it gave. A later run reuses the outputs when the note, the fingerprint and the files agree.
/// </summary>
/// <param name="Fingerprint">What the outputs were made from.</param>
/// <param name="Segments">The manifest entries of the recording's segments.</param>
/// <param name="Samples">The length in samples of each segment's WAV, for checking that the files are complete.</param>
internal sealed record RecordingRecord(
    [property: JsonPropertyName("fingerprint")] RecordingFingerprint Fingerprint,
    [property: JsonPropertyName("segments")] IReadOnlyList<ManifestEntry> Segments,
    [property: JsonPropertyName("samples")] IReadOnlyList<int> Samples)
{
    /// <summary>The folder of the notes inside the output folder.</summary>
    public const string FolderName = "records";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The note's path for the recording with output id <paramref name="id"/>.</summary>
    public static string PathOf(string outputDirectory, string id) => Path.Combine(outputDirectory, FolderName, id + ".json");

    /// <summary>Writes the note atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, s_json));

    /// <summary>
    /// Returns the segments of the note at <paramref name="path"/> when it matches <paramref name="fingerprint"/> and
    /// every WAV and mel it lists is complete; otherwise null (the recording must be made again).
    /// </summary>
    public static IReadOnlyList<ManifestEntry>? TryReuse(string path, string outputDirectory, RecordingFingerprint fingerprint, int bands)
    {
        RecordingRecord? record;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            record = JsonSerializer.Deserialize<RecordingRecord>(File.ReadAllBytes(path), s_json);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }

        if (record?.Fingerprint != fingerprint
            || record.Segments is null
            || record.Samples is null
            || record.Segments.Count == 0
            || record.Segments.Count != record.Samples.Count)
        {
            return null;
        }

        for (int k = 0; k < record.Segments.Count; k++)
        {
            ManifestEntry entry = record.Segments[k];
            int samples = record.Samples[k];
            if (!HasLength(Path.Combine(outputDirectory, entry.Audio), length => length == 44 + (2L * samples))
                || !HasLength(Path.Combine(outputDirectory, entry.Mel), length => IsCompleteNpy(length, (long)bands * entry.Frames)))
            {
                return null;
            }
        }

        return record.Segments;
    }

    private static bool HasLength(string path, Func<long, bool> isComplete)
    {
        var file = new FileInfo(path);
        return file.Exists && isComplete(file.Length);
    }

    /// <summary>A float32 .npy v1.0 file: a header padded to a multiple of 64 bytes (64 or 128 for a 2-D shape), then the values.</summary>
    private static bool IsCompleteNpy(long length, long values)
    {
        long header = length - (4 * values);
        return header is 64 or 128;
    }
}
