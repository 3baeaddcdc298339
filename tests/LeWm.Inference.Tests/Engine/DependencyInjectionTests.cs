using Microsoft.Extensions.DependencyInjection;

namespace LeWm.Inference.Tests.Engine;

/// <summary><c>AddLeWmTts</c> with a real <see cref="ServiceCollection"/>.</summary>
public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddLeWmTts_ResolvesOneThreadSafeEngineAndItsVocoder()
    {
        var services = new ServiceCollection();
        services.AddLeWmTts(
            options => options.Engine = new TtsEngineOptions { MaxBatchSize = 4 },
            tts => tts.UseSpeechModel(_ => EngineFixture.TinyModel()).UseGriffinLim());
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        ITtsEngine engine = provider.GetRequiredService<ITtsEngine>();
        Assert.Same(engine, provider.GetRequiredService<ITtsEngine>());
        Assert.Same(engine, provider.GetRequiredService<TtsEngine>());
        Assert.IsType<GriffinLimVocoder>(provider.GetRequiredService<IVocoder>());

        SpeechResult[] results = await Task.WhenAll(Enumerable.Range(0, 3)
            .Select(i => engine.SynthesizeAsync($"di {i}", new SynthesisOptions { ExactLatentFrames = 4 })));
        Assert.All(results, r => Assert.Equal(4, r.LatentFrames));
    }

    [Fact]
    public void AddLeWmTts_InvalidDevice_FailsOptionsValidation()
    {
        var services = new ServiceCollection();
        services.AddLeWmTts(options => options.Device = "tpu", tts => tts.UseSpeechModel(_ => EngineFixture.TinyModel()));
        using ServiceProvider provider = services.BuildServiceProvider();
        Microsoft.Extensions.Options.OptionsValidationException error =
            Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<ITtsEngine>());
        Assert.Contains("Device", error.Message, StringComparison.Ordinal);
    }
}
