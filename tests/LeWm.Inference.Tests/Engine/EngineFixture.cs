using LeWm.Audio;
using LeWm.Model.Backends;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using LeWm.Vocos;

namespace LeWm.Inference.Tests.Engine;

/// <summary>Random-weight tiny models and vocoders for engine tests (the engine's behaviour, not speech quality).</summary>
internal static class EngineFixture
{
    /// <summary>A tiny random model; its stop head never fires (bias −100), so lengths come from caps or exact lengths.</summary>
    public static LeWmSpeechModel TinyModel(int seed = 1, int speakers = 0)
    {
        TorchSharp.torch.manual_seed(seed);
        var network = new LeWmNetwork(LeWmConfig.Tiny with { NSpeakers = speakers });
        using (TorchSharp.torch.no_grad())
        {
            foreach ((string name, TorchSharp.Modules.Parameter p) in network.named_parameters())
            {
                if (name == "predictor.stop.bias")
                {
                    p.fill_(-100);
                }
            }
        }

        return new LeWmSpeechModel(
            network, [.. Enumerable.Range(0, speakers).Select(i => new SpeakerInfo(i, $"speaker{i}"))], LeWmCheckpoint.NoTextNormalizer);
    }

    /// <summary>A small random Vocos (convolutional, so streaming can equal one-shot).</summary>
    public static VocosVocoder SmallVocos(int seed = 2) =>
        VocosVocoder.CreateRandom(VocosConfig.Mel24Khz with { Dimension = 64, IntermediateDimension = 192, Layers = 2 }, seed);

    public static TtsEngine Engine(IVocoder? vocoder = null, int seed = 1, TtsEngineOptions? options = null, int speakers = 0)
    {
        TtsEngineBuilder builder = TtsEngine.CreateBuilder().UseSpeechModel(TinyModel(seed, speakers));
        if (vocoder is not null)
        {
            builder.UseVocoder(vocoder);
        }

        if (options is not null)
        {
            builder.WithOptions(options);
        }

        return builder.Build();
    }

    public static AudioClip Tone(double seconds, int sampleRate = 24_000, double amplitude = 0.3)
    {
        var samples = new float[(int)(seconds * sampleRate)];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * 220 * i / sampleRate) * (1 + (0.5 * Math.Sin(2 * Math.PI * 3 * i / sampleRate))));
        }

        return new AudioClip(samples, sampleRate);
    }

    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }

        return worst;
    }
}
