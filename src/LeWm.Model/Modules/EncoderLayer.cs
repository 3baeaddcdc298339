using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// Pre-norm transformer encoder layer: <c>x += drop(attn(norm1(x)))</c>; <c>x += drop(ff(norm2(x)))</c>.
/// </summary>
/// <remarks>Keys: <c>norm1.*</c>, <c>attn.qkv.*</c>, <c>attn.out.*</c>, <c>norm2.*</c>, <c>ff.fc1.*</c>, <c>ff.fc2.*</c>.</remarks>
public sealed class EncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "norm1")]
    private readonly LayerNorm _norm1;

    [ComponentName(Name = "attn")]
    private readonly SelfAttention _attn;

    [ComponentName(Name = "norm2")]
    private readonly LayerNorm _norm2;

    [ComponentName(Name = "ff")]
    private readonly FeedForward _ff;

    [ComponentName(Name = "drop")]
    private readonly Dropout _drop;

    /// <summary>Creates the layer with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="modelDimension">The model width d.</param>
    /// <param name="heads">The number of attention heads.</param>
    /// <param name="hiddenDimension">The feed-forward hidden width.</param>
    /// <param name="dropout">The residual-branch dropout probability.</param>
    public EncoderLayer(int modelDimension, int heads, int hiddenDimension, double dropout)
        : base(nameof(EncoderLayer))
    {
        _norm1 = nn.LayerNorm(modelDimension, eps: LeWmNetwork.LayerNormEpsilon);
        _attn = new SelfAttention(modelDimension, heads);
        _norm2 = nn.LayerNorm(modelDimension, eps: LeWmNetwork.LayerNormEpsilon);
        _ff = new FeedForward(modelDimension, hiddenDimension);
        _drop = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <summary>Applies the layer.</summary>
    /// <param name="x">The input, <c>[B, T, d]</c>.</param>
    /// <param name="allowed">Bool attention mask broadcastable to <c>[B, H, T, T]</c> (usually a key-padding mask <c>[B, 1, 1, T]</c>).</param>
    /// <returns><c>[B, T, d]</c>.</returns>
    public override Tensor forward(Tensor x, Tensor allowed)
    {
        using var scope = NewDisposeScope();
        x = x.add(_drop.call(_attn.call(_norm1.call(x), allowed)));
        x = x.add(_drop.call(_ff.call(_norm2.call(x))));
        return x.MoveToOuterDisposeScope();
    }
}
