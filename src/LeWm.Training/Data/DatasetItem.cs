namespace LeWm.Training.Data;

/// <summary>One usable training item held in memory: framed text ids, a speaker id and its log-mel.</summary>
/// <remarks>Immutable once loaded; safe to read from several threads.</remarks>
/// <param name="Id">The manifest id.</param>
/// <param name="TextIds">The framed text ids <c>[bos, UTF-8 bytes…, eos]</c>.</param>
/// <param name="SpeakerId">The speaker id (the row of the speaker table; 0 for a single speaker).</param>
/// <param name="Frames">Mel frames T.</param>
/// <param name="Mel">The log-mel, <c>[n_mels, T]</c> float32 in C order.</param>
public sealed record DatasetItem(string Id, ReadOnlyMemory<long> TextIds, int SpeakerId, int Frames, ReadOnlyMemory<float> Mel);
