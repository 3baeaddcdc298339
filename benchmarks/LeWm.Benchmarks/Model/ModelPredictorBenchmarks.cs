using BenchmarkDotNet.Attributes;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Benchmarks.Model;

/// <summary>
/// One autoregressive predictor step of the base preset (batch 1, CPU, float32, inference mode) with 200 frames in
/// the KV cache, against re-running the predictor over the whole 201-frame prefix, which is what a cache-less decoder
/// does at the same point. PyTorch peer: benchmarks/python/bench_lewm_torch.py.
/// </summary>
/// <remarks>
/// A step grows the cache, so each iteration is exactly one invocation and <see cref="RestoreCache"/> (not measured)
/// rebuilds the 200-frame cache before it: every measured <see cref="PredictorStepAt200"/> goes from 200 to 201 frames.
/// The cross-attention keys and values of the 150-byte text are computed once in the global setup, as per request.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 30, invocationCount: 1)]
public class ModelPredictorBenchmarks
{
    private LeWmNetwork? _network;
    private readonly List<Tensor> _owned = [];
    private Tensor? _textMask;
    private IReadOnlyList<Tensor>? _crossKeys;
    private IReadOnlyList<Tensor>? _crossValues;
    private Tensor? _prompt;
    private Tensor? _promptLength;
    private Tensor? _latents;
    private Tensor? _nextInput;
    private PredictorCache? _cache;

    /// <summary>Builds the base network (random weights, eval mode) and the request's text keys and values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _network = new LeWmNetwork(LeWmConfig.Base);
        _network.eval();
        using var scope = NewDisposeScope();
        using IDisposable inference = torch.inference_mode();
        var generator = new Generator(1234);
        (Tensor ids, Tensor lengths) = ModelBenchmarkInputs.Text(LeWmConfig.Base, 1, generator);
        (Tensor memory, _textMask) = _network.TextEncoder.call(ids, lengths, null);
        (_crossKeys, _crossValues) = _network.Predictor.MemoryKeyValues(memory);
        int frames = ModelBenchmarkInputs.CachedFrames;
        _latents = torch.randn([1, frames + 1, LeWmConfig.Base.LatentSize], generator: generator);
        _prompt = _latents.narrow(1, 0, frames - 1);              // start + 199 latents = 200 cached frames
        _promptLength = torch.tensor(new long[] { frames - 1 });
        _nextInput = _latents.select(1, frames - 1);
        _owned.AddRange([_textMask, .. _crossKeys, .. _crossValues, _latents, _prompt, _promptLength, _nextInput]);
        _owned.ForEach(tensor => tensor.DetachFromDisposeScope());
    }

    /// <summary>Frees the cache, the request's tensors and the network.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _cache?.Dispose();
        _owned.ForEach(tensor => tensor.Dispose());
        _network?.Dispose();
    }

    /// <summary>Rebuilds a cache holding exactly 200 frames (not measured).</summary>
    [IterationSetup(Target = nameof(PredictorStepAt200))]
    public void RestoreCache()
    {
        _cache?.Dispose();
        using IDisposable inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        _cache = _network!.Predictor.NewCache(_crossKeys!, _crossValues!, _textMask!);
        _ = _network.Predictor.Prefill(_prompt!, _promptLength!, _cache);
        if (_cache.Length != ModelBenchmarkInputs.CachedFrames)
        {
            throw new InvalidOperationException($"The cache holds {_cache.Length} frames, expected {ModelBenchmarkInputs.CachedFrames}.");
        }
    }

    /// <summary>One step: one new frame through the predictor against the 200 cached frames.</summary>
    /// <returns>The stop logit (so the work cannot be skipped).</returns>
    [Benchmark(Baseline = true)]
    public float PredictorStepAt200()
    {
        using IDisposable inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        (_, Tensor stop) = _network!.Predictor.Step(_nextInput, _cache!);
        return stop.item<float>();
    }

    /// <summary>The cache-less equivalent: a causal pass over all 201 rows (start + 200 latents).</summary>
    /// <returns>The last row's stop logit.</returns>
    [Benchmark]
    public float FullPrefixAt200()
    {
        using IDisposable inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        (_, Tensor stop) = _network!.Predictor.call(_latents!, _crossKeys!, _crossValues!, _textMask!);
        return stop[0, -1].item<float>();
    }
}
