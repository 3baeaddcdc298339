using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LeWm.Model.Config;
using LeWm.Model.Losses;
using LeWm.Model.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Benchmarks.Model;

/// <summary>
/// One base-preset training step on the CPU, float32: forward (every loss term), backward and an AdamW update, on a
/// batch of 8 × 10 s (938 mel frames, 150 text bytes each). PyTorch peer: benchmarks/python/bench_lewm_torch.py.
/// </summary>
/// <remarks>A step takes seconds, so the job runs one warm-up and a few measured steps, one step per iteration.</remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class ModelTrainingBenchmarks
{
    private const int BatchSize = 8;

    private LeWmNetwork? _network;
    private AdamW? _optimizer;
    private LeWmBatch? _batch;

    /// <summary>Builds the base network (random weights, training mode), its optimiser and the batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _network = new LeWmNetwork(LeWmConfig.Base);
        _network.train();
        _optimizer = torch.optim.AdamW(_network.parameters(), lr: 1e-4, weight_decay: 0.01);
        using var scope = NewDisposeScope();
        var generator = new Generator(1234);
        (Tensor ids, Tensor textLengths) = ModelBenchmarkInputs.Text(LeWmConfig.Base, BatchSize, generator);
        Tensor mel = torch.randn([BatchSize, LeWmConfig.Base.NMels, ModelBenchmarkInputs.TenSecondFrames], generator: generator)
            .mul_(2.0).sub_(5.0);
        Tensor melLengths = torch.full(BatchSize, ModelBenchmarkInputs.TenSecondFrames, dtype: ScalarType.Int64);
        _batch = new LeWmBatch(
            ids.DetachFromDisposeScope(), textLengths.DetachFromDisposeScope(), mel.DetachFromDisposeScope(), melLengths.DetachFromDisposeScope());
    }

    /// <summary>Frees the network, the optimiser and the batch.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_batch is not null)
        {
            foreach (Tensor tensor in new[] { _batch.TextIds, _batch.TextLengths, _batch.Mel, _batch.MelLengths })
            {
                tensor.Dispose();
            }
        }

        _optimizer?.Dispose();
        _network?.Dispose();
    }

    /// <summary>zero_grad, every loss of the batch, backward of the total, AdamW step.</summary>
    /// <returns>The total loss (so the work cannot be skipped).</returns>
    [Benchmark]
    public float TrainStep8x10s()
    {
        using var scope = NewDisposeScope();
        _optimizer!.zero_grad();
        LeWmLosses losses = _network!.ComputeLosses(_batch!, klWeight: LeWmConfig.Base.KlWeight);
        losses.Total.backward();
        _optimizer.step();
        return losses.Total.item<float>();
    }
}
