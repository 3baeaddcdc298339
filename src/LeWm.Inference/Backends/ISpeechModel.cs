using LeWm.Audio.Mel;

namespace LeWm.Inference;

/// <summary>
/// The acoustic-model seam: a loaded LeWM model on some runtime (TorchSharp, ONNX Runtime). The engine reaches the
/// model only through this interface; data crosses it as managed memory.
/// </summary>
/// <remarks>
/// Implementations are not required to be thread-safe: the engine serialises calls. Autoregressive generation is
/// <see cref="StartSequence"/> once per request, then <see cref="Advance"/> for the batch of live sequences until each
/// stops, then <see cref="DecodeLatents"/>.
/// </remarks>
public interface ISpeechModel : IDisposable
{
    /// <summary>Gets the model's shapes, speakers and limits.</summary>
    SpeechModelInfo Info { get; }

    /// <summary>
    /// Encodes the text (and speaker) once, computing every predictor layer's cross-attention keys and values, and
    /// starts an empty autoregressive sequence, optionally prefixed by a voice prompt's latents.
    /// </summary>
    /// <param name="text">The text and speaker.</param>
    /// <param name="prompt">Latents of a voice prompt (from <see cref="EncodeAudio"/>) that prefix the sequence, or null.</param>
    /// <returns>The sequence state; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The text is empty or longer than <see cref="SpeechModelInfo.MaxTextBytes"/>, the speaker is unknown, or the prompt's latent size differs.</exception>
    ISpeechSequence StartSequence(SpeechText text, LatentFrames? prompt = null);

    /// <summary>
    /// One autoregressive step for a batch of live sequences: each is fed one latent frame and predicts the next.
    /// </summary>
    /// <param name="sequences">The live sequences (distinct, from this model, not disposed), in batch order.</param>
    /// <param name="inputs">
    /// <c>[B, L]</c>: the latent each sequence generated on its previous step (after any sampling noise the caller
    /// adds). Ignored for a sequence's first step, which feeds the start frame and its voice prompt.
    /// </param>
    /// <param name="nextLatents"><c>[B, L]</c>, written: each sequence's next latent.</param>
    /// <param name="stopLogits"><c>[B]</c>, written: each sequence's stop logit (positive: the frame just predicted is its last).</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or a sequence is repeated or foreign.</exception>
    /// <exception cref="ObjectDisposedException">A sequence was disposed.</exception>
    void Advance(IReadOnlyList<ISpeechSequence> sequences, ReadOnlySpan<float> inputs, Span<float> nextLatents, Span<float> stopLogits);

    /// <summary>Encodes log-mels into latents (the encoder's mean), one sequence per mel.</summary>
    /// <param name="mels">Log-mels with <see cref="SpeechModelInfo.MelBands"/> bands, at most <see cref="SpeechModelInfo.MaxMelFrames"/> frames each.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>ceil(frames / downsample) latent frames per mel.</returns>
    IReadOnlyList<LatentFrames> EncodeAudio(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken = default);

    /// <summary>Teacher-forced prediction: feeds the true latents and returns, for each frame t, the prediction of frame t from the frames before it.</summary>
    /// <param name="text">The text and speaker.</param>
    /// <param name="latents">The true latents.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>The predictions, as many frames as <paramref name="latents"/>.</returns>
    LatentFrames Predict(SpeechText text, LatentFrames latents, CancellationToken cancellationToken = default);

    /// <summary>Decodes latent windows into log-mels (<see cref="SpeechModelInfo.Downsample"/> mel frames per latent frame).</summary>
    /// <param name="latents">One latent window per output.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>One log-mel per window.</returns>
    IReadOnlyList<LogMel> DecodeLatents(IReadOnlyList<LatentFrames> latents, CancellationToken cancellationToken = default);
}
