using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// Multi-head cross-attention from the predictor to the text memory: query projection <c>q</c>, fused key/value
/// projection <c>kv</c> (rows k | v) applied once per request, output projection <c>out</c>.
/// </summary>
/// <remarks>Keys: <c>q.*</c> [d, d], <c>kv.weight</c> [2d, d], <c>kv.bias</c> [2d], <c>out.*</c> [d, d].</remarks>
public sealed class CrossAttention : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly int _heads;

    [ComponentName(Name = "q")]
    private readonly Linear _q;

    [ComponentName(Name = "kv")]
    private readonly Linear _kv;

    [ComponentName(Name = "out")]
    private readonly Linear _out;

    /// <summary>Creates the module with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="modelDimension">The model width d.</param>
    /// <param name="heads">The number of heads; divides <paramref name="modelDimension"/>.</param>
    public CrossAttention(int modelDimension, int heads)
        : base(nameof(CrossAttention))
    {
        _heads = heads;
        _q = nn.Linear(modelDimension, modelDimension);
        _kv = nn.Linear(modelDimension, 2 * modelDimension);
        _out = nn.Linear(modelDimension, modelDimension);
        RegisterComponents();
    }

    /// <summary>Projects the text memory <c>[B, N, d]</c> to keys and values, each <c>[B, H, N, dh]</c>.</summary>
    /// <param name="memory">The text encoder's output.</param>
    /// <returns>k and v in the caller's dispose scope.</returns>
    public (Tensor K, Tensor V) MemoryKeyValues(Tensor memory)
    {
        using var scope = NewDisposeScope();
        Tensor[] kv = _kv.call(memory).chunk(2, dim: -1);
        Tensor k = MultiHeadAttention.SplitHeads(kv[0], _heads);
        Tensor v = MultiHeadAttention.SplitHeads(kv[1], _heads);
        return (k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    /// <summary>Attends <c>x [B, T, d]</c> to precomputed text keys and values.</summary>
    /// <param name="x">The queries' input, <c>[B, T, d]</c>.</param>
    /// <param name="keys">Keys from <see cref="MemoryKeyValues"/>, <c>[B, H, N, dh]</c>.</param>
    /// <param name="values">Values from <see cref="MemoryKeyValues"/>, <c>[B, H, N, dh]</c>.</param>
    /// <param name="allowed">Bool mask broadcastable to <c>[B, H, T, N]</c>.</param>
    /// <returns><c>[B, T, d]</c>.</returns>
    public override Tensor forward(Tensor x, Tensor keys, Tensor values, Tensor allowed)
    {
        using var scope = NewDisposeScope();
        Tensor q = MultiHeadAttention.SplitHeads(_q.call(x), _heads);
        Tensor attended = MultiHeadAttention.Attend(q, keys, values, allowed);
        return _out.call(MultiHeadAttention.MergeHeads(attended)).MoveToOuterDisposeScope();
    }
}
