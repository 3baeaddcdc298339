using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// Multi-head self-attention with one fused projection <c>qkv</c> (rows q | k | v, d rows each, heads contiguous) and
/// an output projection <c>out</c>; no attention dropout.
/// </summary>
/// <remarks>Keys: <c>qkv.weight</c> [3d, d], <c>qkv.bias</c> [3d], <c>out.weight</c> [d, d], <c>out.bias</c> [d].</remarks>
public sealed class SelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly int _heads;

    [ComponentName(Name = "qkv")]
    private readonly Linear _qkv;

    [ComponentName(Name = "out")]
    private readonly Linear _out;

    /// <summary>Creates the module with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="modelDimension">The model width d.</param>
    /// <param name="heads">The number of heads; divides <paramref name="modelDimension"/>.</param>
    public SelfAttention(int modelDimension, int heads)
        : base(nameof(SelfAttention))
    {
        _heads = heads;
        _qkv = nn.Linear(modelDimension, 3 * modelDimension);
        _out = nn.Linear(modelDimension, modelDimension);
        RegisterComponents();
    }

    /// <summary>Attends <c>x [B, T, d]</c> to itself where <paramref name="allowed"/> is true.</summary>
    /// <param name="x">The input, <c>[B, T, d]</c>.</param>
    /// <param name="allowed">Bool mask broadcastable to <c>[B, H, T, T]</c> (query, key).</param>
    /// <returns>The attended output, <c>[B, T, d]</c>.</returns>
    public override Tensor forward(Tensor x, Tensor allowed)
    {
        using var scope = NewDisposeScope();
        (Tensor q, Tensor k, Tensor v) = Project(x);
        return Output(MultiHeadAttention.Attend(q, k, v, allowed)).MoveToOuterDisposeScope();
    }

    /// <summary>Projects <c>x [B, T, d]</c> to queries, keys and values, each <c>[B, H, T, dh]</c>.</summary>
    /// <param name="x">The input, <c>[B, T, d]</c>.</param>
    /// <returns>q, k and v in the caller's dispose scope.</returns>
    public (Tensor Q, Tensor K, Tensor V) Project(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor[] qkv = _qkv.call(x).chunk(3, dim: -1);
        Tensor q = MultiHeadAttention.SplitHeads(qkv[0], _heads);
        Tensor k = MultiHeadAttention.SplitHeads(qkv[1], _heads);
        Tensor v = MultiHeadAttention.SplitHeads(qkv[2], _heads);
        return (q.MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    /// <summary>Merges attended heads <c>[B, H, T, dh]</c> and applies the output projection.</summary>
    /// <param name="attended">The per-head attention output.</param>
    /// <returns><c>[B, T, d]</c>.</returns>
    public Tensor Output(Tensor attended)
    {
        using var scope = NewDisposeScope();
        return _out.call(MultiHeadAttention.MergeHeads(attended)).MoveToOuterDisposeScope();
    }
}
