using LeWm.Audio.Mel;

namespace LeWm.Inference.Tests.Engine;

/// <summary>
/// The streaming renderer decodes mel only when the vocoder's next window needs it, with every ready chunk in one
/// decoder window: the first audio costs one decoder call, and a stream makes at most one call per vocoder window.
/// </summary>
public sealed class StreamingDecodeCallTests
{
    [Fact]
    public async Task StreamAsync_FirstChunk_CostsOneDecoderCall()
    {
        var model = new CountingSpeechModel(EngineFixture.TinyModel());
        await using TtsEngine engine = TtsEngine.CreateBuilder()
            .UseSpeechModel(model)
            .UseVocoder(EngineFixture.SmallVocos())
            .WithOptions(new TtsEngineOptions { StreamChunkLatents = 8, StreamDecoderContextLatents = 8, StreamVocoderContextFrames = 32 })
            .Build();
        var options = new SynthesisOptions { ExactLatentFrames = 80 };

        int? callsAtFirstAudio = null;
        int chunks = 0;
        await foreach (AudioChunk chunk in engine.StreamAsync("counting decoder calls", options))
        {
            if (chunk.Samples.Length > 0)
            {
                callsAtFirstAudio ??= model.DecodeCalls;
                chunks++;
            }
        }

        Assert.Equal(1, callsAtFirstAudio);

        // 80 latents = 320 mel frames in vocoder windows of 32 frames: ten windows, and at most one decoder call each
        // (the old renderer made two calls before the first audio).
        Assert.True(chunks >= 3, $"expected several chunks, got {chunks}");
        Assert.InRange(model.DecodeCalls, 2, 10);
    }

    /// <summary>Counts <see cref="ISpeechModel.DecodeLatents"/> calls; everything else passes through.</summary>
    private sealed class CountingSpeechModel(ISpeechModel inner) : ISpeechModel
    {
        private int _decodeCalls;

        public int DecodeCalls => Volatile.Read(ref _decodeCalls);

        public SpeechModelInfo Info => inner.Info;

        public ISpeechSequence StartSequence(SpeechText text, LatentFrames? prompt = null) => inner.StartSequence(text, prompt);

        public void Advance(IReadOnlyList<ISpeechSequence> sequences, ReadOnlySpan<float> inputs, Span<float> nextLatents, Span<float> stopLogits) =>
            inner.Advance(sequences, inputs, nextLatents, stopLogits);

        public IReadOnlyList<LatentFrames> EncodeAudio(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken = default) =>
            inner.EncodeAudio(mels, cancellationToken);

        public LatentFrames Predict(SpeechText text, LatentFrames latents, CancellationToken cancellationToken = default) =>
            inner.Predict(text, latents, cancellationToken);

        public IReadOnlyList<LogMel> DecodeLatents(IReadOnlyList<LatentFrames> latents, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _decodeCalls);
            return inner.DecodeLatents(latents, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
