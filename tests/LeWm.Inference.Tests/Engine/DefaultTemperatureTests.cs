namespace LeWm.Inference.Tests.Engine;

/// <summary>
/// <see cref="SynthesisOptions.Temperature"/> null samples with the model's <see cref="SpeechModelInfo.DefaultTemperature"/>;
/// an explicit value, 0 included, wins. Same seed and temperature: equal up to float rounding (≤ 1e-5, as in
/// <c>TtsEngineTests</c>); another temperature: audibly different (> 1e-3).
/// </summary>
public sealed class DefaultTemperatureTests
{
    [Fact]
    public async Task SynthesizeAsync_RequestWithoutTemperature_SamplesWithTheModelsDefault()
    {
        await using TtsEngine engine = TtsEngine.CreateBuilder()
            .UseSpeechModel(new RecommendingModel(EngineFixture.TinyModel(), 0.3))
            .UseVocoder(EngineFixture.SmallVocos())
            .Build();
        var unset = new SynthesisOptions { ExactLatentFrames = 10, Seed = 42 };

        SpeechResult byDefault = await engine.SynthesizeAsync("seeded", unset);
        SpeechResult sameExplicitly = await engine.SynthesizeAsync("seeded", unset with { Temperature = 0.3 });
        SpeechResult greedy = await engine.SynthesizeAsync("seeded", unset with { Temperature = 0 });

        Assert.True(EngineFixture.MaxAbsDifference(byDefault.Samples, sameExplicitly.Samples) <= 1e-5f);
        Assert.True(EngineFixture.MaxAbsDifference(byDefault.Samples, greedy.Samples) > 1e-3f);
    }

    [Fact]
    public async Task SynthesizeAsync_ModelWithoutADefault_IsGreedyWhateverTheSeed()
    {
        await using TtsEngine engine = EngineFixture.Engine(EngineFixture.SmallVocos());
        Assert.Equal(0, engine.Model.DefaultTemperature);

        SpeechResult a = await engine.SynthesizeAsync("seeded", new SynthesisOptions { ExactLatentFrames = 10, Seed = 1 });
        SpeechResult b = await engine.SynthesizeAsync("seeded", new SynthesisOptions { ExactLatentFrames = 10, Seed = 2 });

        Assert.True(EngineFixture.MaxAbsDifference(a.Samples, b.Samples) <= 1e-5f);
    }

    /// <summary>Reports a default temperature; everything else passes through.</summary>
    private sealed class RecommendingModel(ISpeechModel inner, double temperature) : DelegatingSpeechModel(inner)
    {
        public override SpeechModelInfo Info { get; } = inner.Info with { DefaultTemperature = temperature };
    }
}
