using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>Fixed interleaved sinusoidal positions: PE[p, 2i] = sin(p·ωᵢ), PE[p, 2i+1] = cos(p·ωᵢ), ωᵢ = 10000^(−2i/d).</summary>
internal static class SinusoidalPositions
{
    private const double PositionBase = 10000.0;

    /// <summary><c>positions [...]</c> (int64) → <c>[..., dimension]</c> float32.</summary>
    public static Tensor Of(Tensor positions, long dimension)
    {
        using var scope = NewDisposeScope();
        Tensor i = torch.arange(0, dimension, 2, dtype: ScalarType.Float32, device: positions.device);
        Tensor frequency = torch.exp(i.mul(-Math.Log(PositionBase) / dimension));
        Tensor angles = positions.to(ScalarType.Float32).unsqueeze(-1).mul(frequency);
        Tensor result = torch.stack([torch.sin(angles), torch.cos(angles)], dim: -1).flatten(-2);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Positions 0 … length − 1 as <c>[length, dimension]</c> in <paramref name="dtype"/>.</summary>
    public static Tensor Range(long length, long dimension, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor positions = torch.arange(length, dtype: ScalarType.Int64, device: device);
        return Of(positions, dimension).to(dtype).MoveToOuterDisposeScope();
    }
}
