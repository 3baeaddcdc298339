using LeWm.Model.Config;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests;

/// <summary>
/// Long autoregressive runs leak no tensors: the live-tensor count of the thread
/// (<see cref="DisposeScopeManager.Statistics"/>) stays flat while the cache grows, and returns to its start value
/// once the request's tensors are disposed.
/// </summary>
public sealed class InferenceMemoryTests
{
    private const int WarmUpSteps = 100;
    private const int TotalSteps = 1000;

    [Fact]
    public void Step_1000TimesWithCache_LiveTensorCountStaysFlat()
    {
        torch.manual_seed(9);
        using var network = new LeWmNetwork(LeWmConfig.Tiny);
        network.eval();
        using Tensor ids = torch.randint(0, 256, [1, 12], dtype: ScalarType.Int64, generator: new Generator(2));
        using Tensor lengths = torch.tensor(new long[] { 12 });
        using IDisposable inference = torch.inference_mode();

        long start = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long afterWarmUp = -1;
        var counts = new List<long>(TotalSteps);
        using (var request = NewDisposeScope())
        {
            // What an engine keeps per request: the text mask and the cross-attention keys and values.
            (Tensor memory, Tensor textMask) = network.TextEncoder.call(ids, lengths, null);
            (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = network.Predictor.MemoryKeyValues(memory);
            using PredictorCache cache = network.Predictor.NewCache(keys, values, textMask);
            Tensor? previous = null;
            try
            {
                for (int step = 1; step <= TotalSteps; step++)
                {
                    using (var stepScope = NewDisposeScope())
                    {
                        (Tensor next, Tensor stop) = network.Predictor.Step(previous, cache);
                        _ = stop.sigmoid().item<float>();           // the engine's stop decision reads one value
                        previous?.Dispose();
                        previous = next.DetachFromDisposeScope();   // fed back next step, owned here
                    }

                    counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
                    if (step == WarmUpSteps)
                    {
                        afterWarmUp = counts[^1];
                    }
                }
            }
            finally
            {
                previous?.Dispose();
            }

            Assert.Equal(TotalSteps, cache.Length);
        }

        Assert.True(afterWarmUp > start, "The request holds tensors (cache, cross keys and values) while it runs.");
        Assert.All(counts.Skip(WarmUpSteps - 1), count => Assert.Equal(afterWarmUp, count));
        Assert.Equal(start, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
