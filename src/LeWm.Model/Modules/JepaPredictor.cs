using LeWm.Model.Config;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// The JEPA latent predictor: input sequence <c>[start, input(z₀), …, input(z_{T−2})]</c> + sinusoidal positions,
/// dropout, causal decoder layers cross-attending to the text, LayerNorm, then <c>output</c> (row t predicts z_t) and
/// <c>stop</c> (row t: "z_t is the last frame").
/// </summary>
/// <remarks>
/// Keys: <c>start</c> [d], <c>input.*</c> [d, L], <c>layers.{i}.*</c>, <c>norm.*</c>, <c>output.*</c> [L, d],
/// <c>stop.*</c> [1, d].
/// </remarks>
public sealed class JepaPredictor : nn.Module<Tensor, IReadOnlyList<Tensor>, IReadOnlyList<Tensor>, Tensor, (Tensor Predictions, Tensor StopLogits)>
{
    private readonly int _modelDimension;

    [ComponentName(Name = "input")]
    private readonly Linear _input;

    [ComponentName(Name = "start")]
    private readonly Parameter _start;

    [ComponentName(Name = "drop")]
    private readonly Dropout _drop;

    [ComponentName(Name = "layers")]
    private readonly ModuleList<DecoderLayer> _layers;

    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;

    [ComponentName(Name = "output")]
    private readonly Linear _output;

    [ComponentName(Name = "stop")]
    private readonly Linear _stop;

    /// <summary>Creates the predictor with default initialisation (<c>start</c> ~ N(0, 0.02²)).</summary>
    /// <param name="config">The validated configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    public JepaPredictor(LeWmConfig config)
        : base(nameof(JepaPredictor))
    {
        ArgumentNullException.ThrowIfNull(config);
        _modelDimension = config.DModel;
        _input = nn.Linear(config.LatentSize, config.DModel);
        using (torch.no_grad())
        {
            _start = new Parameter(torch.randn(config.DModel).mul_(0.02));
        }

        _drop = nn.Dropout(config.Dropout);
        _layers = nn.ModuleList([.. Enumerable.Range(0, config.PredictorLayers)
            .Select(_ => new DecoderLayer(config.DModel, config.Heads, config.FfDim, config.Dropout))]);
        _norm = nn.LayerNorm(config.DModel, eps: LeWmNetwork.LayerNormEpsilon);
        _output = nn.Linear(config.DModel, config.LatentSize);
        _stop = nn.Linear(config.DModel, 1);
        RegisterComponents();
    }

    /// <summary>Gets the number of decoder layers.</summary>
    public int LayerCount => _layers.Count;

    /// <summary>Computes every layer's cross-attention keys and values from the text memory (once per request).</summary>
    /// <param name="memory">The text encoder's output <c>[B, N, d]</c>.</param>
    /// <returns>Per-layer keys and values, each <c>[B, H, N, dh]</c>, in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="memory"/> is null.</exception>
    public (IReadOnlyList<Tensor> Keys, IReadOnlyList<Tensor> Values) MemoryKeyValues(Tensor memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var keys = new List<Tensor>(_layers.Count);
        var values = new List<Tensor>(_layers.Count);
        foreach (DecoderLayer layer in _layers)
        {
            (Tensor k, Tensor v) = layer.CrossAttention.MemoryKeyValues(memory);
            keys.Add(k);
            values.Add(v);
        }

        return (keys, values);
    }

    /// <summary>Teacher-forced causal pass over whole latent sequences.</summary>
    /// <param name="latents">Latents <c>[B, T, L]</c>; padding after an item's length is harmless (causal attention never looks right).</param>
    /// <param name="crossKeys">Per-layer text keys from <see cref="MemoryKeyValues"/>.</param>
    /// <param name="crossValues">Per-layer text values from <see cref="MemoryKeyValues"/>.</param>
    /// <param name="textMask">Valid text positions <c>[B, N]</c> (bool).</param>
    /// <returns>Predictions <c>[B, T, L]</c> (row t predicts z_t from start, z₀ … z_{t−1}) and stop logits <c>[B, T]</c>.</returns>
    /// <exception cref="ArgumentException">The key or value list does not have one entry per layer.</exception>
    public override (Tensor Predictions, Tensor StopLogits) forward(
        Tensor latents, IReadOnlyList<Tensor> crossKeys, IReadOnlyList<Tensor> crossValues, Tensor textMask)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(crossKeys);
        ArgumentNullException.ThrowIfNull(crossValues);
        ArgumentNullException.ThrowIfNull(textMask);
        CheckLayerCount(crossKeys, crossValues);
        using var scope = NewDisposeScope();
        long b = latents.shape[0], t = latents.shape[1];
        Device device = latents.device;
        Tensor x = Embed(null, torch.zeros(b, 1, dtype: ScalarType.Int64, device: device), b);
        if (t > 1)
        {
            Tensor positions = torch.arange(1, t, dtype: ScalarType.Int64, device: device).unsqueeze(0).expand(b, t - 1);
            x = torch.cat([x, Embed(latents.narrow(1, 0, t - 1), positions, b)], dim: 1);
        }

        Tensor selfAllowed = torch.ones(t, t, dtype: ScalarType.Bool, device: device).tril().unsqueeze(0).unsqueeze(0);
        Tensor crossAllowed = textMask.unsqueeze(1).unsqueeze(1);
        for (int i = 0; i < _layers.Count; i++)
        {
            x = _layers[i].call(x, selfAllowed, crossKeys[i], crossValues[i], crossAllowed);
        }

        (Tensor predictions, Tensor stop) = Head(x);
        return (predictions.MoveToOuterDisposeScope(), stop.MoveToOuterDisposeScope());
    }

    /// <summary>Starts incremental decoding for a batch.</summary>
    /// <param name="crossKeys">Per-layer text keys from <see cref="MemoryKeyValues"/> (borrowed by the cache).</param>
    /// <param name="crossValues">Per-layer text values from <see cref="MemoryKeyValues"/> (borrowed by the cache).</param>
    /// <param name="textMask">Valid text positions <c>[B, N]</c> (bool, borrowed by the cache).</param>
    /// <returns>An empty cache; dispose it when done.</returns>
    /// <exception cref="ArgumentException">The key or value list does not have one entry per layer.</exception>
    public PredictorCache NewCache(IReadOnlyList<Tensor> crossKeys, IReadOnlyList<Tensor> crossValues, Tensor textMask)
    {
        ArgumentNullException.ThrowIfNull(crossKeys);
        ArgumentNullException.ThrowIfNull(crossValues);
        ArgumentNullException.ThrowIfNull(textMask);
        CheckLayerCount(crossKeys, crossValues);
        return new PredictorCache(crossKeys, crossValues, textMask);
    }

    /// <summary>One autoregressive step: exactly one new frame enters self-attention and the cache grows by one.</summary>
    /// <param name="previousLatent">The latent fed back <c>[B, L]</c>, or null to feed the start embedding (first step).</param>
    /// <param name="cache">The batch's cache; updated in place.</param>
    /// <returns>The next latent <c>[B, L]</c> and its stop logit <c>[B]</c>, in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cache"/> is null.</exception>
    public (Tensor Next, Tensor StopLogit) Step(Tensor? previousLatent, PredictorCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        using var scope = NewDisposeScope();
        long b = cache.Positions.shape[0];
        Tensor positions = cache.Positions.unsqueeze(1);
        Tensor x = Embed(previousLatent?.unsqueeze(1), positions, b);
        Tensor valid = torch.ones(b, 1, dtype: ScalarType.Bool, device: x.device);
        (Tensor predictions, Tensor stop) = Feed(x, valid, cache, cache.Positions.add(1));
        return (predictions.select(1, 0).MoveToOuterDisposeScope(), stop.select(1, 0).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Feeds a voice prompt <c>[start, prefix₀ … prefix_{P_b−1}]</c> per item in one causal pass on a fresh cache;
    /// padded prompt frames stay in the cache, masked out, and each item's positions continue from its own length.
    /// </summary>
    /// <param name="prefix">Prompt latents <c>[B, P, L]</c>, right-padded.</param>
    /// <param name="prefixLengths">Prompt frames per item <c>[B]</c> (int64, may be 0).</param>
    /// <param name="cache">A fresh cache from <see cref="NewCache"/>; updated in place.</param>
    /// <returns>The prediction after each item's last prompt frame <c>[B, L]</c> and its stop logit <c>[B]</c>.</returns>
    /// <exception cref="InvalidOperationException">The cache already holds frames.</exception>
    public (Tensor Next, Tensor StopLogit) Prefill(Tensor prefix, Tensor prefixLengths, PredictorCache cache)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(prefixLengths);
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.Length != 0)
        {
            throw new InvalidOperationException($"Prefill must be the first call on a fresh cache; this one holds {cache.Length} frames.");
        }

        using var scope = NewDisposeScope();
        long b = prefix.shape[0], p = prefix.shape[1];
        Device device = prefix.device;
        Tensor start = Embed(null, torch.zeros(b, 1, dtype: ScalarType.Int64, device: device), b);
        Tensor positions = torch.arange(1, p + 1, dtype: ScalarType.Int64, device: device).unsqueeze(0).expand(b, p);
        Tensor x = torch.cat([start, Embed(prefix, positions, b)], dim: 1);
        Tensor valid = SequenceMask.Of(prefixLengths.add(1), p + 1);
        (Tensor predictions, Tensor stop) = Feed(x, valid, cache, prefixLengths.add(1));
        Tensor index = prefixLengths.view(b, 1);
        Tensor next = predictions.gather(1, index.unsqueeze(-1).expand(b, 1, predictions.shape[^1])).select(1, 0);
        return (next.MoveToOuterDisposeScope(), stop.gather(1, index).select(1, 0).MoveToOuterDisposeScope());
    }

    /// <summary>Runs embedded frames <c>[B, Tn, d]</c> (valid <c>[B, Tn]</c>) through the layers, growing the cache.</summary>
    private (Tensor Predictions, Tensor StopLogits) Feed(Tensor x, Tensor valid, PredictorCache cache, Tensor nextPositions)
    {
        long tn = x.shape[1], tp = cache.Length;
        Tensor keysValid = torch.cat([cache.SelfValid, valid], dim: 1);
        Tensor causal = torch.ones(tn, tp + tn, dtype: ScalarType.Bool, device: x.device).tril(tp);
        Tensor selfAllowed = causal.unsqueeze(0).unsqueeze(0).logical_and(keysValid.unsqueeze(1).unsqueeze(1));
        Tensor crossAllowed = cache.TextMask.unsqueeze(1).unsqueeze(1);
        var keys = new Tensor[_layers.Count];
        var values = new Tensor[_layers.Count];
        for (int i = 0; i < _layers.Count; i++)
        {
            (x, keys[i], values[i]) = _layers[i].ForwardIncremental(
                x, selfAllowed, cache.CrossKeys[i], cache.CrossValues[i], crossAllowed, cache.SelfKeys(i), cache.SelfValues(i));
        }

        cache.Replace(keys, values, keysValid, nextPositions);
        return Head(x);
    }

    private void CheckLayerCount(IReadOnlyList<Tensor> crossKeys, IReadOnlyList<Tensor> crossValues)
    {
        if (crossKeys.Count != _layers.Count || crossValues.Count != _layers.Count)
        {
            throw new ArgumentException(
                $"Expected {_layers.Count} cross-attention keys and values (one per layer), got {crossKeys.Count} and {crossValues.Count}.",
                nameof(crossKeys));
        }
    }

    /// <summary>latents <c>[B, T, L]</c> or null (the start embedding) → <c>[B, T, d]</c> with positions <c>[B, T]</c> added.</summary>
    private Tensor Embed(Tensor? latents, Tensor positions, long batch)
    {
        long t = positions.shape[1];
        Tensor x = latents is null
            ? _start.view(1, 1, -1).expand(batch, t, -1)
            : _input.call(latents);
        return _drop.call(x.add(SinusoidalPositions.Of(positions, _modelDimension).to(x.dtype)));
    }

    private (Tensor Predictions, Tensor StopLogits) Head(Tensor x)
    {
        x = _norm.call(x);
        return (_output.call(x), _stop.call(x).squeeze(-1));
    }
}
