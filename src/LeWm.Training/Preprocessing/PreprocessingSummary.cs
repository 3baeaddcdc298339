namespace LeWm.Training.Preprocessing;

/// <summary>The result of a <see cref="Preprocessor"/> run; also written as <c>summary.json</c> beside the manifest.</summary>
public sealed record PreprocessingSummary
{
    /// <summary>The output folder (full path).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The manifest written (full path of <c>manifest.jsonl</c>).</summary>
    public required string ManifestPath { get; init; }

    /// <summary>Recordings that went into the output (each gives one segment or more).</summary>
    public required int Recordings { get; init; }

    /// <summary>Segments listed in the manifest.</summary>
    public required int Segments { get; init; }

    /// <summary>Recordings whose outputs an earlier run had already written completely, so nothing was redone.</summary>
    public required int Reused { get; init; }

    /// <summary>The speakers' names, in the order they were found.</summary>
    public required IReadOnlyList<string> Speakers { get; init; }

    /// <summary>The total duration of the segments.</summary>
    public required TimeSpan Audio { get; init; }

    /// <summary>The total duration of the segments in hours.</summary>
    public double Hours => Audio.TotalHours;

    /// <summary>The recordings and metadata lines left out, each with its reason.</summary>
    public required IReadOnlyList<SkippedRecording> Skipped { get; init; }

    /// <summary>The wall time of the run.</summary>
    public required TimeSpan Elapsed { get; init; }
}
