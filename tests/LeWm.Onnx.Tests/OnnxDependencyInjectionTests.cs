using LeWm.Inference;
using Microsoft.Extensions.DependencyInjection;

namespace LeWm.Onnx.Tests;

/// <summary>
/// The ONNX Runtime backends selected through <c>AddLeWmTts</c> with a real <see cref="ServiceCollection"/>: the app's
/// engine runs an exported acoustic model and an exported Vocos with no TorchSharp in the request path.
/// </summary>
public sealed class OnnxDependencyInjectionTests(LeWmOnnxExportFixture fixture) : IClassFixture<LeWmOnnxExportFixture>
{
    [Fact]
    public async Task AddLeWmTts_UseOnnx_ResolvesAnEngineOnTheExportedModel()
    {
        var services = new ServiceCollection();
        services.AddLeWmTts(tts => tts.UseOnnx(fixture.Plain.ExportFolder).UseGriffinLim());
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        ITtsEngine engine = provider.GetRequiredService<ITtsEngine>();
        SpeechResult[] results = await Task.WhenAll(Enumerable.Range(0, 2)
            .Select(i => engine.SynthesizeAsync($"onnx {i}", new SynthesisOptions { ExactLatentFrames = 6 })));

        Assert.All(results, r => Assert.Equal(6, r.LatentFrames));
        Assert.All(results, r => Assert.True(r.Samples.Length > 0 && r.Samples.All(float.IsFinite)));
    }
}
