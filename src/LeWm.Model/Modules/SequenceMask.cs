using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>Length masks of right-padded batches.</summary>
internal static class SequenceMask
{
    /// <summary>[B] lengths → [B, size] bool, true on valid positions.</summary>
    public static Tensor Of(Tensor lengths, long size)
    {
        using var scope = NewDisposeScope();
        Tensor positions = torch.arange(size, dtype: ScalarType.Int64, device: lengths.device).unsqueeze(0);
        return positions.lt(lengths.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>Zeroes <c>x [B, C, T]</c> beyond each item's length.</summary>
    public static Tensor ZeroPastLength(Tensor x, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        Tensor mask = Of(lengths, x.shape[^1]).unsqueeze(1).to(x.dtype);
        return x.mul(mask).MoveToOuterDisposeScope();
    }
}
