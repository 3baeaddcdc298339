using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LeWm.Model.Backends.Cpu;

/// <summary>
/// The float32 arithmetic of <see cref="CpuPredictorStep"/>: batched linear layers, layer norm, exact GELU and
/// single-query attention over transposed keys and values. Everything works on caller-owned buffers.
/// </summary>
internal static class DenseKernels
{
    /// <summary>Weights below which a linear layer stays on the calling thread (splitting it costs more than it saves).</summary>
    private const int MinParallelWeights = 1 << 17;

    /// <summary>
    /// <c>y[b, o] = Σᵢ W[o, i]·x[b, i] + bias[o]</c> for <paramref name="batch"/> rows; the weight is walked once, each of
    /// its rows dotted with every input while it is in cache. Splits the rows over <paramref name="threads"/> workers
    /// when the layer is large enough to pay for it.
    /// </summary>
    public static void Linear(float[] x, int batch, DenseWeights weight, float[] bias, float[] y, int inFeatures, int outFeatures, int threads)
    {
        if (threads > 1 && (long)inFeatures * outFeatures >= MinParallelWeights)
        {
            int chunks = threads;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
            {
                int from = (int)((long)outFeatures * chunk / chunks), to = (int)((long)outFeatures * (chunk + 1) / chunks);
                LinearRows(x, batch, weight, bias, y, inFeatures, outFeatures, from, to);
            });
            return;
        }

        LinearRows(x, batch, weight, bias, y, inFeatures, outFeatures, 0, outFeatures);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LinearRows(float[] x, int batch, DenseWeights weights, float[] bias, float[] y, int inFeatures, int outFeatures, int from, int to)
    {
        ReadOnlySpan<float> inputs = x.AsSpan(0, batch * inFeatures);
        if (weights.BFloat16 is ushort[] packed)
        {
            LinearRowsBFloat16(inputs, batch, packed, bias, y, inFeatures, outFeatures, from, to);
            return;
        }

        float[] weight = weights.Float32!;
        int o = from;
        if (Vector256.IsHardwareAccelerated && inFeatures % Vector256<float>.Count == 0)
        {
            for (; o + 4 <= to; o += 4)
            {
                ReadOnlySpan<float> rows = weight.AsSpan(o * inFeatures, 4 * inFeatures);
                for (int b = 0; b < batch; b++)
                {
                    Vector128<float> sums = FourDots(rows, inputs.Slice(b * inFeatures, inFeatures));
                    StoreFour(sums, bias, o, y, (b * outFeatures) + o);
                }
            }
        }

        for (; o < to; o++)
        {
            ReadOnlySpan<float> row = weight.AsSpan(o * inFeatures, inFeatures);
            float b0 = bias[o];
            for (int b = 0; b < batch; b++)
            {
                y[(b * outFeatures) + o] = TensorPrimitives.Dot(row, inputs.Slice(b * inFeatures, inFeatures)) + b0;
            }
        }
    }

    /// <summary>y[at … at+3] = four dot products + bias[o … o+3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFour(Vector128<float> sums, float[] bias, int o, float[] y, int at) =>
        (sums + Vector128.Create<float>(bias.AsSpan(o, 4))).CopyTo(y.AsSpan(at, 4));

    /// <summary>The rows of a linear layer whose weights are stored as bfloat16 (the upper half of each float32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LinearRowsBFloat16(
        ReadOnlySpan<float> inputs, int batch, ushort[] weight, float[] bias, float[] y, int inFeatures, int outFeatures, int from, int to)
    {
        int o = from;
        if (Vector256.IsHardwareAccelerated && inFeatures % Vector256<ushort>.Count == 0)
        {
            for (; o + 4 <= to; o += 4)
            {
                ReadOnlySpan<ushort> rows = weight.AsSpan(o * inFeatures, 4 * inFeatures);
                for (int b = 0; b < batch; b++)
                {
                    Vector128<float> sums = FourDotsBFloat16(rows, inputs.Slice(b * inFeatures, inFeatures));
                    StoreFour(sums, bias, o, y, (b * outFeatures) + o);
                }
            }
        }

        for (; o < to; o++)
        {
            for (int b = 0; b < batch; b++)
            {
                float sum = bias[o];
                for (int i = 0; i < inFeatures; i++)
                {
                    sum += BFloat16.ToSingle(weight[(o * inFeatures) + i]) * inputs[(b * inFeatures) + i];
                }

                y[(b * outFeatures) + o] = sum;
            }
        }
    }

    /// <summary>
    /// <see cref="FourDots"/> over bfloat16 rows: sixteen weights per load, widened to float32 by a shift (length a
    /// multiple of sixteen). Half the bytes of float32, so about half the time where memory bandwidth is the limit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<float> FourDotsBFloat16(ReadOnlySpan<ushort> rows, ReadOnlySpan<float> input)
    {
        int n = input.Length;
        ref ushort w = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(rows);
        ref float v = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(input);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < n; i += Vector256<ushort>.Count)
        {
            Vector256<float> x0 = Vector256.LoadUnsafe(ref v, (nuint)i);
            Vector256<float> x1 = Vector256.LoadUnsafe(ref v, (nuint)(i + Vector256<float>.Count));
            (Vector256<float> w0, Vector256<float> w1) = Widen(Vector256.LoadUnsafe(ref w, (nuint)i));
            a0 = Vector256.FusedMultiplyAdd(w1, x1, Vector256.FusedMultiplyAdd(w0, x0, a0));
            (w0, w1) = Widen(Vector256.LoadUnsafe(ref w, (nuint)(n + i)));
            a1 = Vector256.FusedMultiplyAdd(w1, x1, Vector256.FusedMultiplyAdd(w0, x0, a1));
            (w0, w1) = Widen(Vector256.LoadUnsafe(ref w, (nuint)((2 * n) + i)));
            a2 = Vector256.FusedMultiplyAdd(w1, x1, Vector256.FusedMultiplyAdd(w0, x0, a2));
            (w0, w1) = Widen(Vector256.LoadUnsafe(ref w, (nuint)((3 * n) + i)));
            a3 = Vector256.FusedMultiplyAdd(w1, x1, Vector256.FusedMultiplyAdd(w0, x0, a3));
        }

        return Vector128.Create(Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
    }

    /// <summary>Sixteen bfloat16 values → two vectors of eight float32 (each value moved to the upper half of its float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Low, Vector256<float> High) Widen(Vector256<ushort> packed)
    {
        (Vector256<uint> low, Vector256<uint> high) = Vector256.Widen(packed);
        return (Vector256.ShiftLeft(low, 16).AsSingle(), Vector256.ShiftLeft(high, 16).AsSingle());
    }

    /// <summary>
    /// The dot products of four consecutive weight rows with one input, the input read once for all four
    /// (length a multiple of eight).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<float> FourDots(ReadOnlySpan<float> rows, ReadOnlySpan<float> input)
    {
        int n = input.Length;
        ref float w = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(rows);
        ref float v = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(input);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < n; i += Vector256<float>.Count)
        {
            Vector256<float> xi = Vector256.LoadUnsafe(ref v, (nuint)i);
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)i), xi, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(n + i)), xi, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)((2 * n) + i)), xi, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)((3 * n) + i)), xi, a3);
        }

        return Vector128.Create(Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
    }

    /// <summary>Layer norm of each of <paramref name="batch"/> rows of width <paramref name="width"/> (biased variance, as PyTorch).</summary>
    public static void LayerNorm(float[] x, int batch, int width, float[] gamma, float[] beta, float epsilon, float[] y)
    {
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = x.AsSpan(b * width, width);
            Span<float> output = y.AsSpan(b * width, width);
            float mean = TensorPrimitives.Sum(row) / width;
            TensorPrimitives.Subtract(row, mean, output);
            float variance = TensorPrimitives.SumOfSquares(output) / width;
            TensorPrimitives.Multiply(output, 1f / MathF.Sqrt(variance + epsilon), output);
            TensorPrimitives.FusedMultiplyAdd(output, gamma, beta, output);
        }
    }

    /// <summary>Exact GELU, <c>x·Φ(x) = ½x(1 + erf(x/√2))</c>, in place.</summary>
    public static void Gelu(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            x[i] = 0.5f * v * (1f + Erf(v * 0.70710678118654752f));
        }
    }

    /// <summary>
    /// The error function to about 1e-7 absolute error (the rational approximation 7.1.26 of Abramowitz and Stegun,
    /// evaluated in double precision).
    /// </summary>
    public static float Erf(float value)
    {
        double x = Math.Abs((double)value);
        double t = 1.0 / (1.0 + (0.3275911 * x));
        double poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        double result = 1.0 - (poly * Math.Exp(-x * x));
        return (float)(value < 0 ? -result : result);
    }

    /// <summary>
    /// One query attending to <paramref name="length"/> keys of one head, keys and values stored transposed
    /// (<c>[dh, stride]</c>: feature-major, one column per frame): softmax(q·K / √dh)·V into <paramref name="output"/>.
    /// </summary>
    public static void Attend(
        ReadOnlySpan<float> query, ReadOnlySpan<float> keysT, ReadOnlySpan<float> valuesT, int stride, int length, Span<float> scores, Span<float> output)
    {
        int dh = query.Length;
        Span<float> s = scores[..length];
        s.Clear();
        for (int j = 0; j < dh; j++)
        {
            TensorPrimitives.MultiplyAdd(keysT.Slice(j * stride, length), query[j], s, s);
        }

        TensorPrimitives.Multiply(s, 1f / MathF.Sqrt(dh), s);
        float max = TensorPrimitives.Max(s);
        TensorPrimitives.Subtract(s, max, s);
        TensorPrimitives.Exp(s, s);
        TensorPrimitives.Divide(s, TensorPrimitives.Sum(s), s);
        for (int j = 0; j < dh; j++)
        {
            output[j] = TensorPrimitives.Dot(s, valuesT.Slice(j * stride, length));
        }
    }
}
