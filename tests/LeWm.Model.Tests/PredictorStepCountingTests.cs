using LeWm.Model.Config;
using LeWm.Model.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Tests;

/// <summary>
/// Proves by counting, not timing, that a predictor step with a KV cache does not re-encode the prefix: each layer's
/// self-attention projection receives exactly one new query frame per step, the cache grows by exactly one frame,
/// and the text's cross-attention keys and values are never recomputed.
/// </summary>
/// <remarks>
/// The counts come from forward pre-hooks on the predictor's <c>Linear</c> sublayers (called through <c>.call()</c>,
/// so hooks run): <c>layers.{i}.self_attn.qkv</c> sees every frame that enters self-attention as a query,
/// <c>layers.{i}.cross_attn.kv</c> every text position projected to keys and values, <c>input</c> every latent fed back.
/// </remarks>
public sealed class PredictorStepCountingTests
{
    private const int Batch = 2;
    private const int PromptFrames = 5;
    private const int Steps = 12;

    [Fact]
    public void Step_AfterVoicePrompt_FeedsOneQueryFramePerLayerAndGrowsCacheByOne()
    {
        using var network = Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var probe = new FrameProbe(network.Predictor);
        (Tensor textMask, IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = Text(network);
        int layers = network.Predictor.LayerCount;
        int latent = network.Config.LatentSize;

        using PredictorCache cache = network.Predictor.NewCache(keys, values, textMask);
        Tensor prompt = torch.randn(Batch, PromptFrames, latent, generator: new Generator(3));
        (Tensor next, _) = network.Predictor.Prefill(prompt, torch.tensor(new long[] { PromptFrames, 2 }), cache);
        Assert.Equal(PromptFrames + 1, cache.Length);
        Assert.All(probe.QueryFramesPerLayer, frames => Assert.Equal(new long[] { PromptFrames + 1 }, frames));
        Assert.Equal(new long[] { PromptFrames }, probe.LatentFramesFed);

        for (int step = 0; step < Steps; step++)
        {
            long before = cache.Length;
            long[] positionsBefore = cache.Positions.data<long>().ToArray();
            probe.Clear();

            (next, _) = network.Predictor.Step(next, cache);

            for (int i = 0; i < layers; i++)
            {
                Assert.Equal(new long[] { 1 }, probe.QueryFramesPerLayer[i]);
                Assert.Equal(new long[] { Batch, 1, network.Config.DModel }, probe.QueryShapesPerLayer[i][0]);
                Assert.Equal(
                    new long[] { Batch, network.Config.Heads, before + 1, network.Config.HeadDimension },
                    cache.SelfKeys(i)!.shape);
                Assert.Equal(cache.SelfKeys(i)!.shape, cache.SelfValues(i)!.shape);
            }

            Assert.Equal(new long[] { 1 }, probe.LatentFramesFed);
            Assert.Equal(0, probe.TextPositionsProjected);
            Assert.Equal(before + 1, cache.Length);
            Assert.Equal(new long[] { Batch, before + 1 }, cache.SelfValid.shape);
            Assert.Equal(positionsBefore.Select(p => p + 1).ToArray(), cache.Positions.data<long>().ToArray());
        }
    }

    [Fact]
    public void Step_FromEmptyCacheManyTimes_FeedsStepsQueryFramesNotTriangularCount()
    {
        using var network = Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var probe = new FrameProbe(network.Predictor);
        (Tensor textMask, IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = Text(network);
        probe.Clear();

        using PredictorCache cache = network.Predictor.NewCache(keys, values, textMask);
        Tensor? previous = null;
        for (int step = 0; step < Steps; step++)
        {
            (previous, _) = network.Predictor.Step(previous, cache);
            Assert.Equal(step + 1, cache.Length);
        }

        // A re-run of the whole prefix each step would feed 1 + 2 + … + Steps = Steps·(Steps+1)/2 query frames.
        foreach (List<long> frames in probe.QueryFramesPerLayer)
        {
            Assert.Equal(Steps, frames.Count);
            Assert.Equal(Steps, frames.Sum());
        }

        Assert.Equal(Steps - 1, probe.LatentFramesFed.Sum());   // the first step feeds the start embedding
        Assert.Equal(0, probe.TextPositionsProjected);
    }

    [Fact]
    public void MemoryKeyValues_OncePerRequest_ProjectsEachTextPositionOncePerLayer()
    {
        using var network = Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var probe = new FrameProbe(network.Predictor);

        (Tensor textMask, _, _) = Text(network);

        Assert.Equal(network.Predictor.LayerCount * textMask.shape[1], probe.TextPositionsProjected);
    }

    private static LeWmNetwork Network()
    {
        torch.manual_seed(5);
        var network = new LeWmNetwork(LeWmConfig.Tiny);
        network.eval();
        return network;
    }

    private static (Tensor Mask, IReadOnlyList<Tensor> Keys, IReadOnlyList<Tensor> Values) Text(LeWmNetwork network)
    {
        Tensor ids = torch.randint(0, 256, [Batch, 9], dtype: ScalarType.Int64, generator: new Generator(4));
        (Tensor memory, Tensor mask) = network.TextEncoder.call(ids, torch.tensor(new long[] { 9, 6 }), null);
        (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = network.Predictor.MemoryKeyValues(memory);
        return (mask, keys, values);
    }

    /// <summary>Counts the frames entering the predictor's projections through forward pre-hooks.</summary>
    private sealed class FrameProbe : IDisposable
    {
        private readonly List<Action> _removeHooks = [];

        public FrameProbe(JepaPredictor predictor)
        {
            var modules = predictor.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
            for (int i = 0; i < predictor.LayerCount; i++)
            {
                int layer = i;
                QueryFramesPerLayer.Add([]);
                QueryShapesPerLayer.Add([]);
                Hook(Linear(modules, $"layers.{layer}.self_attn.qkv"), (_, x) =>
                {
                    QueryFramesPerLayer[layer].Add(x.shape[1]);
                    QueryShapesPerLayer[layer].Add(x.shape);
                    return x;
                });
                Hook(Linear(modules, $"layers.{layer}.cross_attn.kv"), (_, x) =>
                {
                    TextPositionsProjected += x.shape[1];
                    return x;
                });
            }

            Hook(Linear(modules, "input"), (_, x) =>
            {
                LatentFramesFed.Add(x.shape[1]);
                return x;
            });
        }

        /// <summary>Per layer, the number of query frames of each self-attention call.</summary>
        public List<List<long>> QueryFramesPerLayer { get; } = [];

        /// <summary>Per layer, the shape of each self-attention input.</summary>
        public List<List<long[]>> QueryShapesPerLayer { get; } = [];

        /// <summary>The number of latent frames of each call of the input projection.</summary>
        public List<long> LatentFramesFed { get; } = [];

        /// <summary>Text positions projected to cross-attention keys and values, summed over layers.</summary>
        public long TextPositionsProjected { get; private set; }

        public void Clear()
        {
            QueryFramesPerLayer.ForEach(l => l.Clear());
            QueryShapesPerLayer.ForEach(l => l.Clear());
            LatentFramesFed.Clear();
            TextPositionsProjected = 0;
        }

        public void Dispose() => _removeHooks.ForEach(remove => remove());

        private void Hook(Linear linear, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor> preHook)
        {
            var handle = linear.register_forward_pre_hook(preHook);
            _removeHooks.Add(handle.remove);
        }

        private static Linear Linear(Dictionary<string, nn.Module> modules, string name) =>
            modules.TryGetValue(name, out nn.Module? module) && module is Linear linear
                ? linear
                : throw new InvalidOperationException($"The predictor has no Linear '{name}'.");
    }
}
