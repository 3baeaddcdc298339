namespace LeWm.Inference;

/// <summary>What a sequence is conditioned on: normalised text as UTF-8 bytes and the speaker.</summary>
/// <param name="Utf8">The text's UTF-8 bytes (without bos/eos; the model adds its own special ids).</param>
/// <param name="Speaker">The speaker id for a multi-speaker model; null for a single-speaker one.</param>
public sealed record SpeechText(ReadOnlyMemory<byte> Utf8, int? Speaker = null);
