using LeWm.Model.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>The element-weighted reductions shared by the masked losses.</summary>
internal static class LossReduction
{
    /// <summary>
    /// From per-item sums <c>[B]</c> and per-item element counts <c>[B]</c>: the batch loss
    /// <c>Σ sums / Σ counts</c> (a scalar) and each item's own mean <c>sums / counts</c> <c>[B]</c>.
    /// </summary>
    public static (Tensor Loss, Tensor PerItem) ElementWeighted(Tensor sums, Tensor counts)
    {
        using var scope = NewDisposeScope();
        Tensor loss = sums.sum().div(counts.sum());
        Tensor perItem = sums.div(counts);
        return (loss.MoveToOuterDisposeScope(), perItem.MoveToOuterDisposeScope());
    }

    /// <summary>[B] lengths → [B, size] float mask of <paramref name="dtype"/>, 1 on valid positions.</summary>
    public static Tensor FloatMask(Tensor lengths, long size, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return SequenceMask.Of(lengths, size).to(dtype).MoveToOuterDisposeScope();
    }
}
