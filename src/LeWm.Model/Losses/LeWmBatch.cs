using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>A right-padded training batch (the reference's <c>batch</c> dict of <c>LeWmTts.forward</c>).</summary>
/// <remarks>The batch does not own its tensors; dispose them with the step's dispose scope.</remarks>
/// <param name="TextIds">Text ids <c>[B, N]</c> (int64): <c>[bos, bytes…, eos]</c>, right-padded.</param>
/// <param name="TextLengths">Valid text ids per item <c>[B]</c> (int64).</param>
/// <param name="Mel">Log-mels <c>[B, n_mels, T]</c>, right-padded.</param>
/// <param name="MelLengths">Valid mel frames per item <c>[B]</c> (int64).</param>
/// <param name="Speakers">Speaker ids <c>[B]</c> (int64), or null for a single-speaker model.</param>
public sealed record LeWmBatch(Tensor TextIds, Tensor TextLengths, Tensor Mel, Tensor MelLengths, Tensor? Speakers = null);
