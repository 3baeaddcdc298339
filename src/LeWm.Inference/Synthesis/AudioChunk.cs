namespace LeWm.Inference;

/// <summary>A piece of streamed speech.</summary>
/// <param name="Samples">The chunk's samples; chunks concatenate to the whole utterance.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Offset">The index of the chunk's first sample in the whole utterance.</param>
/// <param name="IsLast">True on the final chunk.</param>
/// <param name="Elapsed">Time from the call to this chunk being ready (the first chunk's is the time to first audio).</param>
public sealed record AudioChunk(float[] Samples, int SampleRate, long Offset, bool IsLast, TimeSpan Elapsed);
