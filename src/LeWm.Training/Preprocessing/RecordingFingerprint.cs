using System.Text.Json.Serialization;

namespace LeWm.Training.Preprocessing;

/// <summary>
/// What a recording's outputs were made from: when any of it changes, a resumed run makes them again.
/// </summary>
/// <param name="Version">The version of the preprocessing recipe (<see cref="Current"/>).</param>
/// <param name="Source">The WAV file relative to the input folder.</param>
/// <param name="SourceBytes">The WAV file's length in bytes.</param>
/// <param name="SourceModifiedUtcTicks">The WAV file's last write time (UTC ticks).</param>
/// <param name="Speaker">The speaker's name.</param>
/// <param name="Text">The transcript.</param>
/// <param name="MinSegmentTicks">The options' shortest segment, in ticks.</param>
/// <param name="MaxSegmentTicks">The options' longest segment, in ticks.</param>
internal sealed record RecordingFingerprint(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("source_bytes")] long SourceBytes,
    [property: JsonPropertyName("source_modified_utc_ticks")] long SourceModifiedUtcTicks,
    [property: JsonPropertyName("speaker")] string Speaker,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("min_segment_ticks")] long MinSegmentTicks,
    [property: JsonPropertyName("max_segment_ticks")] long MaxSegmentTicks)
{
    /// <summary>The version of the preprocessing recipe; raising it makes every output again.</summary>
    public const int Current = 1;

    /// <summary>Takes the fingerprint of <paramref name="recording"/> as it is on disk now.</summary>
    public static RecordingFingerprint Of(CorpusRecording recording, PreprocessorOptions options)
    {
        var file = new FileInfo(recording.AudioPath);
        return new RecordingFingerprint(
            Current,
            recording.Source,
            file.Length,
            file.LastWriteTimeUtc.Ticks,
            recording.Speaker,
            recording.Text,
            options.MinSegment.Ticks,
            options.MaxSegment.Ticks);
    }
}
