namespace LeWm.Training.Preprocessing;

/// <summary>What <see cref="CorpusScanner"/> found in a corpus folder.</summary>
/// <param name="Speakers">The speakers' names in order.</param>
/// <param name="Recordings">The recordings with a usable transcript, speaker by speaker, in ordinal order of file name.</param>
/// <param name="Skipped">Recordings and metadata lines left out, each with its reason.</param>
internal sealed record CorpusLayout(
    IReadOnlyList<string> Speakers, IReadOnlyList<CorpusRecording> Recordings, IReadOnlyList<SkippedRecording> Skipped);
