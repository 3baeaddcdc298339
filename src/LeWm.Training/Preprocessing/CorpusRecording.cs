namespace LeWm.Training.Preprocessing;

/// <summary>One recording of a corpus with its transcript, as <see cref="CorpusScanner"/> found it.</summary>
/// <param name="Id">The output id: unique in the corpus and safe as a file name.</param>
/// <param name="Speaker">The speaker's name.</param>
/// <param name="AudioPath">The WAV file (full path).</param>
/// <param name="Source">The WAV file relative to the input folder, with <c>/</c> separators.</param>
/// <param name="Text">The transcript, whitespace collapsed; not empty.</param>
internal sealed record CorpusRecording(string Id, string Speaker, string AudioPath, string Source, string Text);
