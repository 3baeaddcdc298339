using LeWm.Training.Data;

namespace LeWm.Training.Preprocessing;

/// <summary>What became of one recording: its segments (written now or reused), or the reason it was skipped.</summary>
/// <param name="Segments">The manifest entries of its segments; empty when skipped.</param>
/// <param name="Skipped">Why it was skipped, or null.</param>
/// <param name="Reused">Whether an earlier run's outputs were reused.</param>
internal sealed record RecordingOutcome(IReadOnlyList<ManifestEntry> Segments, SkippedRecording? Skipped, bool Reused)
{
    /// <summary>A recording left out for <paramref name="reason"/>.</summary>
    public static RecordingOutcome Skip(CorpusRecording recording, string reason) => new([], new SkippedRecording(recording.Source, reason), false);
}
