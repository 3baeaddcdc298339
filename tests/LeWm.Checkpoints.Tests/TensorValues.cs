using static TorchSharp.torch;

namespace LeWm.Checkpoints.Tests;

/// <summary>Reads tensors back as managed arrays for exact comparisons.</summary>
internal static class TensorValues
{
    /// <summary>The values in C order, widened exactly to float64.</summary>
    public static double[] Reals(Tensor tensor) =>
        tensor.NumberOfElements == 0 ? [] : tensor.to(float64).contiguous().data<double>().ToArray();

    /// <summary>The values in C order as int64 (bool as 0/1).</summary>
    public static long[] Integers(Tensor tensor) =>
        tensor.NumberOfElements == 0 ? [] : tensor.to(int64).contiguous().data<long>().ToArray();

    /// <summary>Whether two tensors have the same dtype, shape and values (compared exactly, as float64 or int64).</summary>
    public static bool Same(Tensor expected, Tensor actual) =>
        expected.dtype == actual.dtype
        && expected.shape.SequenceEqual(actual.shape)
        && (ScalarTypes.IsFloatingPoint(expected.dtype)
            ? Reals(expected).SequenceEqual(Reals(actual))
            : Integers(expected).SequenceEqual(Integers(actual)));
}
