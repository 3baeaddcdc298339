using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>The attention arithmetic shared by <see cref="SelfAttention"/> and <see cref="CrossAttention"/>.</summary>
internal static class MultiHeadAttention
{
    /// <summary>
    /// q <c>[B,H,Tq,dh]</c>, k/v <c>[B,H,Tk,dh]</c>, <paramref name="allowed"/> bool broadcastable to <c>[B,H,Tq,Tk]</c>
    /// → <c>[B,H,Tq,dh]</c>. Disallowed scores become the dtype's lowest finite value (a row never turns NaN).
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor allowed)
    {
        using var scope = NewDisposeScope();
        // Explicit scalars, alive until the end of the method: an implicit double → Scalar conversion leaves a temporary
        // that the finalizer may free while the native call still reads it (seen once as masked_fill failing
        // "toFloat: Expected false to be true" under parallel tests).
        using Scalar scale = Math.Pow(q.shape[^1], -0.5).ToScalar();
        Tensor scores = torch.matmul(q, k.transpose(-2, -1)).mul(scale);
        using Scalar lowest = torch.finfo(scores.dtype).min.ToScalar();
        scores = scores.masked_fill(allowed.logical_not(), lowest);
        Tensor result = torch.matmul(torch.softmax(scores, dim: -1), v);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary><c>[B, T, d]</c> → <c>[B, H, T, d/H]</c>; head h is the contiguous block of d/H features h·dh ….</summary>
    public static Tensor SplitHeads(Tensor x, int heads)
    {
        long b = x.shape[0], t = x.shape[1], d = x.shape[2];
        return x.view(b, t, heads, d / heads).transpose(1, 2);
    }

    /// <summary><c>[B, H, T, dh]</c> → <c>[B, T, H·dh]</c>.</summary>
    public static Tensor MergeHeads(Tensor x)
    {
        long b = x.shape[0], h = x.shape[1], t = x.shape[2], dh = x.shape[3];
        return x.transpose(1, 2).reshape(b, t, h * dh);
    }
}
