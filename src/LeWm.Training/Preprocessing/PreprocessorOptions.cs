using System.Globalization;

namespace LeWm.Training.Preprocessing;

/// <summary>Says where a <see cref="Preprocessor"/> reads a corpus from, where it writes, and how it cuts recordings.</summary>
/// <remarks><see cref="Preprocessor"/> checks every property when it is constructed and reports all problems at once.</remarks>
public sealed record PreprocessorOptions
{
    /// <summary>
    /// The corpus folder: WAV files with transcripts, in one of the layouts <see cref="Preprocessor"/> describes.
    /// </summary>
    public required string InputDirectory { get; init; }

    /// <summary>
    /// The folder to write <c>wavs/</c>, <c>mels/</c>, <c>records/</c>, <c>manifest.jsonl</c> and <c>summary.json</c>
    /// into; created when missing. It may not be the input folder.
    /// </summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The shortest segment wanted when a long recording is cut. Default: 3 s.</summary>
    public TimeSpan MinSegment { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The longest segment: a recording longer than this is cut at its pauses into segments of
    /// <see cref="MinSegment"/> to <see cref="MaxSegment"/>. Default: 12 s.
    /// </summary>
    public TimeSpan MaxSegment { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>
    /// Gets whether the output is an evaluation set: a held-out corpus (e.g. sentences that never enter training)
    /// whose <c>summary.json</c> says <c>"purpose": "evaluation"</c>, so that <c>lewm eval</c> scores every item of it
    /// and <c>lewm train</c> refuses it. Default false (a training corpus).
    /// </summary>
    public bool EvaluationSet { get; init; }

    /// <summary>How many recordings are processed at once; positive. Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Lists every problem with these options; empty when they are valid.</summary>
    internal List<string> CollectErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(InputDirectory))
        {
            errors.Add($"{nameof(InputDirectory)} is empty.");
        }

        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            errors.Add($"{nameof(OutputDirectory)} is empty.");
        }
        else if (!string.IsNullOrWhiteSpace(InputDirectory)
            && string.Equals(Path.GetFullPath(InputDirectory).TrimEnd('/'), Path.GetFullPath(OutputDirectory).TrimEnd('/'), StringComparison.Ordinal))
        {
            errors.Add($"{nameof(OutputDirectory)} '{OutputDirectory}' is the input folder; write the output elsewhere.");
        }

        if (MinSegment <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(MinSegment)} is {Format(MinSegment)}; it must be positive.");
        }

        if (MaxSegment <= MinSegment)
        {
            errors.Add($"{nameof(MaxSegment)} is {Format(MaxSegment)}; it must be longer than {nameof(MinSegment)} ({Format(MinSegment)}).");
        }

        if (MaxDegreeOfParallelism <= 0)
        {
            errors.Add($"{nameof(MaxDegreeOfParallelism)} is {MaxDegreeOfParallelism}; it must be positive.");
        }

        return errors;
    }

    private static string Format(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
