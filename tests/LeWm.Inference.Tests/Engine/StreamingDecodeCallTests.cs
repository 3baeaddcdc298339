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
    private sealed class CountingSpeechModel(ISpeechModel inner) : DelegatingSpeechModel(inner)
    {
        private int _decodeCalls;

        public int DecodeCalls => Volatile.Read(ref _decodeCalls);

        public override IReadOnlyList<LogMel> DecodeLatents(IReadOnlyList<LatentFrames> latents, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _decodeCalls);
            return base.DecodeLatents(latents, cancellationToken);
        }
    }
}
