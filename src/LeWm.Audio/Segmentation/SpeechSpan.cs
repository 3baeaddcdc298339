namespace LeWm.Audio.Segmentation;

/// <summary>
/// A stretch of speech with no pause in it, in samples [<see cref="Start"/>, <see cref="End"/>), and the range
/// [<see cref="PaddedStart"/>, <see cref="PaddedEnd"/>) a segment may take around it once padding is added.
/// </summary>
/// <param name="Start">The first sample of the first frame above the silence threshold.</param>
/// <param name="End">One past the last sample of the last frame above the threshold.</param>
/// <param name="PaddedStart">
/// <paramref name="Start"/> less the padding, but no earlier than the middle of the pause before (or sample 0).
/// </param>
/// <param name="PaddedEnd">
/// <paramref name="End"/> plus the padding, but no later than the middle of the pause after (or the end).
/// </param>
internal readonly record struct SpeechSpan(int Start, int End, int PaddedStart, int PaddedEnd);
