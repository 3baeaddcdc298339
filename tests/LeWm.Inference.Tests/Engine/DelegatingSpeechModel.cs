using LeWm.Audio.Mel;

namespace LeWm.Inference.Tests.Engine;

/// <summary>An <see cref="ISpeechModel"/> that passes every call to <paramref name="inner"/>; tests override what they observe or script.</summary>
internal abstract class DelegatingSpeechModel(ISpeechModel inner) : ISpeechModel
{
    public virtual SpeechModelInfo Info => inner.Info;

    public virtual ISpeechSequence StartSequence(SpeechText text, LatentFrames? prompt = null) => inner.StartSequence(text, prompt);

    public virtual void Advance(IReadOnlyList<ISpeechSequence> sequences, ReadOnlySpan<float> inputs, Span<float> nextLatents, Span<float> stopLogits) =>
        inner.Advance(sequences, inputs, nextLatents, stopLogits);

    public IReadOnlyList<LatentFrames> EncodeAudio(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken = default) =>
        inner.EncodeAudio(mels, cancellationToken);

    public LatentFrames Predict(SpeechText text, LatentFrames latents, CancellationToken cancellationToken = default) =>
        inner.Predict(text, latents, cancellationToken);

    public virtual IReadOnlyList<LogMel> DecodeLatents(IReadOnlyList<LatentFrames> latents, CancellationToken cancellationToken = default) =>
        inner.DecodeLatents(latents, cancellationToken);

    public void Dispose() => inner.Dispose();
}
