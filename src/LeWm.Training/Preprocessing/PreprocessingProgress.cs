namespace LeWm.Training.Preprocessing;

/// <summary>How far a <see cref="Preprocessor"/> run has got; reported after each recording.</summary>
/// <param name="RecordingsDone">Recordings finished so far (written, reused from an earlier run, or skipped).</param>
/// <param name="RecordingsTotal">Recordings in the corpus.</param>
/// <param name="Segments">Segments in the output so far.</param>
/// <param name="Skipped">Recordings skipped so far.</param>
/// <param name="Audio">The duration of the segments so far.</param>
public sealed record PreprocessingProgress(int RecordingsDone, int RecordingsTotal, int Segments, int Skipped, TimeSpan Audio);
