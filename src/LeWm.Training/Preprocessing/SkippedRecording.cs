namespace LeWm.Training.Preprocessing;

/// <summary>A recording (or a line of a <c>metadata.csv</c>) that preprocessing left out, and why.</summary>
/// <param name="Source">The file it came from, relative to the input folder, with <c>/</c> separators.</param>
/// <param name="Reason">Why it was left out, e.g. "empty transcript".</param>
public sealed record SkippedRecording(string Source, string Reason);
