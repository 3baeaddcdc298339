using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LeWm.Checkpoints;

/// <summary>
/// Copies float32 tensor data into managed memory as one block copy. TorchSharp's <c>data&lt;T&gt;()</c> accessor walks
/// element by element, which costs milliseconds per megabyte on the hot paths of inference.
/// </summary>
public static class TensorData
{
    /// <summary>Copies a tensor's values, in row-major order, into a new array (converting to float32 on the CPU first if needed).</summary>
    /// <param name="tensor">The tensor; any device, any floating-point dtype.</param>
    /// <returns>The values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    public static float[] ToFloatArray(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        return MemoryMarshal.Cast<byte, float>(AsCpuFloat(tensor).bytes).ToArray();
    }

    /// <summary>Copies a tensor's values, in row-major order, into <paramref name="destination"/>.</summary>
    /// <param name="tensor">The tensor; any device, any floating-point dtype.</param>
    /// <param name="destination">Exactly as long as the tensor has elements.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void CopyTo(Tensor tensor, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.numel() != destination.Length)
        {
            throw new ArgumentException($"The tensor has {tensor.numel()} elements; the destination holds {destination.Length}.", nameof(destination));
        }

        using var scope = NewDisposeScope();
        MemoryMarshal.Cast<byte, float>(AsCpuFloat(tensor).bytes).CopyTo(destination);
    }

    private static Tensor AsCpuFloat(Tensor tensor) =>
        tensor.to(ScalarType.Float32).cpu().contiguous();
}
