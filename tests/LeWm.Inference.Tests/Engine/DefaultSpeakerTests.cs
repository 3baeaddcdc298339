namespace LeWm.Inference.Tests.Engine;

public sealed class DefaultSpeakerTests
{
    private static readonly SynthesisOptions s_short = new() { ExactLatentFrames = 5 };

    [Fact]
    public async Task SynthesizeAsync_NoSpeakerWithDefaultSpeaker_SpeaksAsTheDefault()
    {
        await using TtsEngine engine = EngineFixture.Engine(speakers: 3, options: new TtsEngineOptions { DefaultSpeaker = 2 });

        SpeechResult unnamed = await engine.SynthesizeAsync("Namaste.", s_short);
        SpeechResult two = await engine.SynthesizeAsync("Namaste.", s_short with { Speaker = 2 });
        SpeechResult zero = await engine.SynthesizeAsync("Namaste.", s_short with { Speaker = 0 });

        // Same speaker: equal up to float reordering across threads; another speaker: clearly different.
        float tolerance = 1e-4f * Math.Max(1f, two.Samples.Max(Math.Abs));
        Assert.Equal(two.Samples.Length, unnamed.Samples.Length);
        Assert.True(EngineFixture.MaxAbsDifference(two.Samples, unnamed.Samples) <= tolerance);
        Assert.True(EngineFixture.MaxAbsDifference(zero.Samples, unnamed.Samples) > tolerance);
    }

    [Fact]
    public async Task SynthesizeAsync_MultiSpeakerModelAndNoDefaultConfigured_SpeaksAsSpeakerZero()
    {
        await using TtsEngine engine = EngineFixture.Engine(speakers: 3);

        SpeechResult unnamed = await engine.SynthesizeAsync("Namaste.", s_short);
        SpeechResult zero = await engine.SynthesizeAsync("Namaste.", s_short with { Speaker = 0 });
        SpeechResult one = await engine.SynthesizeAsync("Namaste.", s_short with { Speaker = 1 });

        float tolerance = 1e-4f * Math.Max(1f, zero.Samples.Max(Math.Abs));
        Assert.True(EngineFixture.MaxAbsDifference(zero.Samples, unnamed.Samples) <= tolerance);
        Assert.True(EngineFixture.MaxAbsDifference(one.Samples, unnamed.Samples) > tolerance);
    }

    [Fact]
    public async Task WithDefaultSpeaker_AppliesToStreamingToo()
    {
        await using TtsEngine engine = TtsEngine.CreateBuilder()
            .UseSpeechModel(EngineFixture.TinyModel(speakers: 2)).UseVocoder(EngineFixture.SmallVocos()).WithDefaultSpeaker(1).Build();

        var streamed = new List<float>();
        await foreach (AudioChunk chunk in engine.StreamAsync("Namaste.", s_short))
        {
            streamed.AddRange(chunk.Samples.ToArray());
        }

        SpeechResult one = await engine.SynthesizeAsync("Namaste.", s_short with { Speaker = 1 });
        SpeechResult zero = await engine.SynthesizeAsync("Namaste.", s_short with { Speaker = 0 });
        float tolerance = 1e-4f * Math.Max(1f, one.Samples.Max(Math.Abs));
        Assert.True(EngineFixture.MaxAbsDifference(one.Samples, [.. streamed]) <= tolerance);
        Assert.True(EngineFixture.MaxAbsDifference(zero.Samples, [.. streamed]) > tolerance);
    }

    [Fact]
    public void Build_DefaultSpeakerBeyondTheModelsSpeakers_ThrowsNamingTheRange()
    {
        var e = Assert.Throws<ArgumentException>(() => EngineFixture.Engine(speakers: 2, options: new TtsEngineOptions { DefaultSpeaker = 2 }));

        Assert.Contains("DefaultSpeaker 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("0 to 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DefaultSpeakerOnSingleSpeakerModel_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => EngineFixture.Engine(options: new TtsEngineOptions { DefaultSpeaker = 0 }));

        Assert.Contains("single-speaker", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeDefaultSpeaker_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new TtsEngineOptions { DefaultSpeaker = -1 }.Validate());

        Assert.Contains("DefaultSpeaker", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => TtsEngine.CreateBuilder().WithDefaultSpeaker(-1));
    }
}
