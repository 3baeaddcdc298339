using System.Text;
using BenchmarkDotNet.Attributes;
using LeWm.Audio.Mel;
using LeWm.Inference;
using LeWm.Model.Backends;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using LeWm.Vocos;

namespace LeWm.Benchmarks.Inference;

/// <summary>
/// Each stage of text → waveform for 10 s of speech (234 latent frames) with the base preset (random weights) and a
/// full-size random Vocos, through the public seams the engine uses, and the whole request through
/// <see cref="TtsEngine"/>: text encoding with the cross-attention keys and values, one autoregressive step at 200
/// cached frames (the fused CPU kernel and TorchSharp), the mel decoder, Vocos and Griffin-Lim, end to end.
/// </summary>
/// <remarks>`lewm bench synthesize` reports the same request with the KV-cache, batching and streaming figures.</remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class SynthesisStageBenchmarks
{
    private const int Frames = 234;
    private const int CachedFrames = 200;
    private static readonly string Text = string.Concat(Enumerable.Repeat("नमस्ते, आज मौसम बहुत अच्छा है। ", 4));

    private string? _folder;
    private LeWmSpeechModel? _fused;
    private LeWmSpeechModel? _torchSharp;
    private VocosVocoder? _vocos;
    private GriffinLimVocoder? _griffinLim;
    private TtsEngine? _engine;
    private SpeechText? _speechText;
    private LatentFrames? _latents;
    private LogMel? _mel;
    private ISpeechSequence? _fusedSequence;
    private ISpeechSequence? _torchSharpSequence;
    private float[] _input = [];
    private float[] _next = [];
    private readonly float[] _stop = new float[1];

    /// <summary>Writes a random base checkpoint and loads every stage.</summary>
    [GlobalSetup]
    public void Setup()
    {
        TorchSharp.torch.manual_seed(0);
        _folder = Path.Combine(Path.GetTempPath(), $"lewm-bench-{Guid.NewGuid():N}");
        using (var network = new LeWmNetwork(LeWmConfig.Base))
        {
            LeWm.Model.Checkpoints.LeWmCheckpoint.Save(_folder, network, LeWmConfig.Base, []);
        }

        _fused = LeWmSpeechModel.Load(_folder);
        _torchSharp = LeWmSpeechModel.Load(_folder, new LeWmModelOptions { FusedCpuStep = false });
        _vocos = VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 7);
        _griffinLim = new GriffinLimVocoder();
        _speechText = new SpeechText(Encoding.UTF8.GetBytes(Text));
        int l = _fused.Info.LatentSize;
        var random = new Random(3);
        _latents = new LatentFrames([.. Enumerable.Range(0, Frames * l).Select(_ => (float)random.NextDouble() - 0.5f)], Frames, l);
        _mel = _fused.DecodeLatents([_latents])[0];
        _input = new float[l];
        _next = new float[l];
        var engineModel = LeWmSpeechModel.Load(_folder);
        _engine = TtsEngine.CreateBuilder()
            .UseSpeechModel(engineModel)
            .UseVocoder(_ => VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 7))
            .Build();
    }

    /// <summary>Frees everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _fusedSequence?.Dispose();
        _torchSharpSequence?.Dispose();
        _engine?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _fused?.Dispose();
        _torchSharp?.Dispose();
        _vocos?.Dispose();
        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Starts a fused-kernel sequence holding 200 frames (not measured).</summary>
    [IterationSetup(Target = nameof(FusedStepAt200))]
    public void PrepareFused() => _fusedSequence = Prepare(_fused!, _fusedSequence);

    /// <summary>Starts a TorchSharp-step sequence holding 200 frames (not measured).</summary>
    [IterationSetup(Target = nameof(TorchSharpStepAt200))]
    public void PrepareTorchSharp() => _torchSharpSequence = Prepare(_torchSharp!, _torchSharpSequence);

    /// <summary>UTF-8 bytes → text encoder → every layer's cross-attention keys and values (once per request).</summary>
    [Benchmark]
    public int TextEncoding()
    {
        using ISpeechSequence sequence = _fused!.StartSequence(_speechText!);
        return sequence.FedFrames;
    }

    /// <summary>One autoregressive step at 200 cached frames, fused CPU kernel (the default on the CPU).</summary>
    [Benchmark]
    [InvocationCount(1)]
    public float FusedStepAt200()
    {
        _fused!.Advance([_fusedSequence!], _input, _next, _stop);
        return _stop[0];
    }

    /// <summary>The same step through TorchSharp operations.</summary>
    [Benchmark]
    [InvocationCount(1)]
    public float TorchSharpStepAt200()
    {
        _torchSharp!.Advance([_torchSharpSequence!], _input, _next, _stop);
        return _stop[0];
    }

    /// <summary>234 latents → 936 mel frames.</summary>
    [Benchmark]
    public LogMel MelDecoder10s() => _fused!.DecodeLatents([_latents!])[0];

    /// <summary>936 mel frames → 10 s of audio with the full-size Vocos.</summary>
    [Benchmark]
    public float[] Vocos10s() => _vocos!.Vocode(_mel!);

    /// <summary>936 mel frames → 10 s of audio with Griffin-Lim (the default when no Vocos weights are supplied).</summary>
    [Benchmark]
    public float[] GriffinLim10s() => _griffinLim!.VocodeAsync([_mel!]).GetAwaiter().GetResult()[0];

    /// <summary>The whole request: 10 s of speech, text → waveform, through the engine.</summary>
    [Benchmark]
    public int EndToEnd10s()
    {
        var options = new SynthesisOptions { ExactLatentFrames = Frames, Seed = 1 };
        return _engine!.SynthesizeAsync(Text, options).GetAwaiter().GetResult().Samples.Length;
    }

    private ISpeechSequence Prepare(LeWmSpeechModel model, ISpeechSequence? previous)
    {
        previous?.Dispose();
        int l = model.Info.LatentSize;
        var prompt = new LatentFrames(_latents!.Values.AsSpan(0, (CachedFrames - 1) * l).ToArray(), CachedFrames - 1, l);
        ISpeechSequence sequence = model.StartSequence(_speechText!, prompt);
        model.Advance([sequence], _input, _next, _stop);  // start + 199 prompt frames = 200 cached
        return sequence;
    }
}
