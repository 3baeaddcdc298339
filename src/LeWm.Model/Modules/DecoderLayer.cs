using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// Pre-norm transformer decoder layer of the predictor: causal self-attention, cross-attention to the text memory,
/// feed-forward, each as <c>x += drop(sublayer(norm(x)))</c>.
/// </summary>
/// <remarks>
/// Keys: <c>norm1.*</c>, <c>self_attn.qkv.*</c>, <c>self_attn.out.*</c>, <c>norm2.*</c>, <c>cross_attn.q.*</c>,
/// <c>cross_attn.kv.*</c>, <c>cross_attn.out.*</c>, <c>norm3.*</c>, <c>ff.fc1.*</c>, <c>ff.fc2.*</c>.
/// </remarks>
public sealed class DecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "norm1")]
    private readonly LayerNorm _norm1;

    [ComponentName(Name = "self_attn")]
    private readonly SelfAttention _selfAttn;

    [ComponentName(Name = "norm2")]
    private readonly LayerNorm _norm2;

    [ComponentName(Name = "cross_attn")]
    private readonly CrossAttention _crossAttn;

    [ComponentName(Name = "norm3")]
    private readonly LayerNorm _norm3;

    [ComponentName(Name = "ff")]
    private readonly FeedForward _ff;

    [ComponentName(Name = "drop")]
    private readonly Dropout _drop;

    /// <summary>Creates the layer with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="modelDimension">The model width d.</param>
    /// <param name="heads">The number of attention heads.</param>
    /// <param name="hiddenDimension">The feed-forward hidden width.</param>
    /// <param name="dropout">The residual-branch dropout probability.</param>
    public DecoderLayer(int modelDimension, int heads, int hiddenDimension, double dropout)
        : base(nameof(DecoderLayer))
    {
        _norm1 = nn.LayerNorm(modelDimension, eps: LeWmNetwork.LayerNormEpsilon);
        _selfAttn = new SelfAttention(modelDimension, heads);
        _norm2 = nn.LayerNorm(modelDimension, eps: LeWmNetwork.LayerNormEpsilon);
        _crossAttn = new CrossAttention(modelDimension, heads);
        _norm3 = nn.LayerNorm(modelDimension, eps: LeWmNetwork.LayerNormEpsilon);
        _ff = new FeedForward(modelDimension, hiddenDimension);
        _drop = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <summary>Gets the cross-attention block (its <see cref="CrossAttention.MemoryKeyValues"/> runs once per request).</summary>
    public CrossAttention CrossAttention => _crossAttn;

    /// <summary>Applies the layer to a whole sequence (no cache).</summary>
    /// <param name="x">The input, <c>[B, T, d]</c>.</param>
    /// <param name="selfAllowed">Bool self-attention mask broadcastable to <c>[B, H, T, T]</c> (causal in training).</param>
    /// <param name="crossKeys">Text keys of this layer, <c>[B, H, N, dh]</c>.</param>
    /// <param name="crossValues">Text values of this layer, <c>[B, H, N, dh]</c>.</param>
    /// <param name="crossAllowed">Bool cross-attention mask broadcastable to <c>[B, H, T, N]</c>.</param>
    /// <returns><c>[B, T, d]</c>.</returns>
    public override Tensor forward(Tensor x, Tensor selfAllowed, Tensor crossKeys, Tensor crossValues, Tensor crossAllowed)
    {
        using var scope = NewDisposeScope();
        (Tensor y, _, _) = ForwardIncremental(x, selfAllowed, crossKeys, crossValues, crossAllowed, null, null);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Applies the layer to new frames after cached ones (incremental decoding).</summary>
    /// <param name="x">The new frames, <c>[B, Tn, d]</c>.</param>
    /// <param name="selfAllowed">Bool mask broadcastable to <c>[B, H, Tn, Tp + Tn]</c>.</param>
    /// <param name="crossKeys">Text keys of this layer, <c>[B, H, N, dh]</c>.</param>
    /// <param name="crossValues">Text values of this layer, <c>[B, H, N, dh]</c>.</param>
    /// <param name="crossAllowed">Bool cross-attention mask broadcastable to <c>[B, H, Tn, N]</c>.</param>
    /// <param name="pastKeys">Self-attention keys of the Tp earlier frames <c>[B, H, Tp, dh]</c>, or null.</param>
    /// <param name="pastValues">Self-attention values of the earlier frames, or null.</param>
    /// <returns>The output <c>[B, Tn, d]</c> and the keys and values of all Tp + Tn frames, in the caller's scope.</returns>
    public (Tensor Output, Tensor Keys, Tensor Values) ForwardIncremental(
        Tensor x, Tensor selfAllowed, Tensor crossKeys, Tensor crossValues, Tensor crossAllowed, Tensor? pastKeys, Tensor? pastValues)
    {
        using var scope = NewDisposeScope();
        (Tensor q, Tensor k, Tensor v) = _selfAttn.Project(_norm1.call(x));
        if (pastKeys is not null && pastValues is not null)
        {
            k = torch.cat([pastKeys, k], dim: 2);
            v = torch.cat([pastValues, v], dim: 2);
        }

        x = x.add(_drop.call(_selfAttn.Output(MultiHeadAttention.Attend(q, k, v, selfAllowed))));
        x = x.add(_drop.call(_crossAttn.call(_norm2.call(x), crossKeys, crossValues, crossAllowed)));
        x = x.add(_drop.call(_ff.call(_norm3.call(x))));
        return (x.MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }
}
