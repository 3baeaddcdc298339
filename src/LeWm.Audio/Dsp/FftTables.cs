using System.Collections.Concurrent;
using System.Numerics;

namespace LeWm.Audio.Dsp;

/// <summary>
/// The precomputed tables of a split real FFT of <see cref="Size"/> points (a complex FFT of Size / 2 plus an
/// unpack step), shared by every transform of that size. Immutable.
/// </summary>
internal sealed class FftTables
{
    private static readonly ConcurrentDictionary<int, FftTables> s_bySize = new();

    private FftTables(int size)
    {
        Size = size;
        int half = size / 2;
        int bits = BitOperations.Log2((uint)half);
        BitReverse = new int[half];
        for (int i = 0; i < half; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            BitReverse[i] = r;
        }

        TwiddleRe = new double[half];
        TwiddleIm = new double[half];
        for (int h = 1; h < half; h <<= 1)
        {
            for (int j = 0; j < h; j++)
            {
                double angle = -Math.PI * j / h;
                TwiddleRe[h + j] = Math.Cos(angle);
                TwiddleIm[h + j] = Math.Sin(angle);
            }
        }

        UnpackRe = new double[half + 1];
        UnpackIm = new double[half + 1];
        for (int k = 0; k <= half; k++)
        {
            double angle = -2.0 * Math.PI * k / size;
            UnpackRe[k] = Math.Cos(angle);
            UnpackIm[k] = Math.Sin(angle);
        }
    }

    /// <summary>The number of real points.</summary>
    public int Size { get; }

    /// <summary>The bit-reversal permutation of Size / 2 indices.</summary>
    public int[] BitReverse { get; }

    /// <summary>e^{-iπ j / h} for the radix-2 stage of span h at [h, 2h); Size / 2 entries.</summary>
    public double[] TwiddleRe { get; }

    /// <summary>Imaginary parts of <see cref="TwiddleRe"/>'s twiddles.</summary>
    public double[] TwiddleIm { get; }

    /// <summary>e^{-2πik / Size} for k = 0..Size / 2, the real-FFT unpack twiddles.</summary>
    public double[] UnpackRe { get; }

    /// <summary>Imaginary parts of <see cref="UnpackRe"/>'s twiddles.</summary>
    public double[] UnpackIm { get; }

    /// <summary>Returns the tables for <paramref name="size"/> points, a power of two of at least 4.</summary>
    public static FftTables For(int size)
    {
        if (size < 4 || !BitOperations.IsPow2(size))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "The FFT size must be a power of two of at least 4.");
        }

        return s_bySize.GetOrAdd(size, static s => new FftTables(s));
    }
}
