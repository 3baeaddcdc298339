namespace LeWm.Inference.Tests.Engine;

/// <summary>
/// <see cref="SynthesisOptions.StopThreshold"/>: generation ends at the first frame whose stop probability exceeds
/// it, and that frame is kept. A scripted stop head (logit −3 + 0.25·n at frame n, n from 0) first exceeds 0.5 (logit 0)
/// at n = 13 (14 frames), 0.2 (logit −1.386) at n = 7 (8 frames) and 0.9 (logit 2.197) at n = 21 (22 frames).
/// </summary>
public sealed class StopThresholdTests
{
    [Theory]
    [InlineData(0.5, 14)]
    [InlineData(0.2, 8)]
    [InlineData(0.9, 22)]
    public async Task SynthesizeAsync_ScriptedStopHead_EndsAtTheFirstFrameAboveTheThreshold(double threshold, int expectedFrames)
    {
        await using TtsEngine engine = TtsEngine.CreateBuilder().UseSpeechModel(new RisingStopModel(EngineFixture.TinyModel())).Build();

        SpeechResult result = await engine.SynthesizeAsync("a sentence long enough for the cap", new SynthesisOptions { StopThreshold = threshold });

        Assert.True(result.StoppedByModel);
        Assert.Equal(expectedFrames, result.LatentFrames);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public async Task SynthesizeAsync_StopThresholdOutsideOpenUnitInterval_Throws(double threshold)
    {
        await using TtsEngine engine = EngineFixture.Engine();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.SynthesizeAsync("abc", new SynthesisOptions { StopThreshold = threshold }));

        Assert.Contains("StopThreshold", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Replaces the stop logits of every step with −3 + 0.25·(frames generated so far − 1); the rest passes through.</summary>
    private sealed class RisingStopModel(ISpeechModel inner) : DelegatingSpeechModel(inner)
    {
        private int _steps;

        public override ISpeechSequence StartSequence(SpeechText text, LatentFrames? prompt = null)
        {
            _steps = 0;
            return base.StartSequence(text, prompt);
        }

        public override void Advance(IReadOnlyList<ISpeechSequence> sequences, ReadOnlySpan<float> inputs, Span<float> nextLatents, Span<float> stopLogits)
        {
            base.Advance(sequences, inputs, nextLatents, stopLogits);
            stopLogits.Fill(-3f + (0.25f * _steps++));
        }
    }
}
