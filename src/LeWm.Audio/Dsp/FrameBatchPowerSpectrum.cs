using System.Runtime.Intrinsics;

namespace LeWm.Audio.Dsp;

/// <summary>
/// The power spectra |X|² of four windowed frames at once: each complex value of the half-size FFT is a
/// <see cref="Vector256{T}"/> holding the same position of four frames, so every butterfly of every pass is one
/// vector operation with a broadcast twiddle (no shuffles, no scalar passes). The arithmetic per frame is exactly
/// <see cref="RealFft.ForwardPower"/>'s, in the same order.
/// </summary>
/// <remarks>Holds scratch buffers: one instance per thread. Used when <see cref="Vector256.IsHardwareAccelerated"/>.</remarks>
internal sealed class FrameBatchPowerSpectrum
{
    public const int Lanes = 4;

    private readonly int _half;
    private readonly int[] _bitReverse;
    private readonly double[] _twiddleRe;   // the span-h stage uses [h, 2h)
    private readonly double[] _twiddleIm;
    private readonly double[] _unpackRe;
    private readonly double[] _unpackIm;
    private readonly Vector256<double>[] _re;
    private readonly Vector256<double>[] _im;
    private readonly double[][] _frames;

    public FrameBatchPowerSpectrum(int size)
    {
        if (size < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "The four-frame FFT needs at least 8 points.");
        }

        FftTables tables = FftTables.For(size);
        _half = size / 2;
        _bitReverse = tables.BitReverse;
        _twiddleRe = tables.TwiddleRe;
        _twiddleIm = tables.TwiddleIm;
        _unpackRe = tables.UnpackRe;
        _unpackIm = tables.UnpackIm;
        _re = new Vector256<double>[_half];
        _im = new Vector256<double>[_half];
        _frames = [.. Enumerable.Range(0, Lanes).Select(_ => new double[size])];
    }

    /// <summary>Scratch frames for the caller to fill (windowed input), one per lane.</summary>
    public double[][] Frames => _frames;

    /// <summary>Transforms the four <see cref="Frames"/> and writes |X[k]|² for k = 0..N/2, lane l = frame l.</summary>
    public void Compute(Span<Vector256<double>> power)
    {
        if (power.Length < _half + 1)
        {
            throw new ArgumentException($"Expected room for {_half + 1} bins.", nameof(power));
        }

        Vector256<double>[] re = _re;
        Vector256<double>[] im = _im;
        double[] f0 = _frames[0], f1 = _frames[1], f2 = _frames[2], f3 = _frames[3];
        for (int n = 0; n < _half; n++)
        {
            int r = _bitReverse[n];
            int e = 2 * n;
            re[r] = Vector256.Create(f0[e], f1[e], f2[e], f3[e]);
            im[r] = Vector256.Create(f0[e + 1], f1[e + 1], f2[e + 1], f3[e + 1]);
        }

        Transform(re, im);

        Vector256<double> half = Vector256.Create(0.5);
        Vector256<double> dc = re[0] + im[0];
        Vector256<double> nyquist = re[0] - im[0];
        power[0] = dc * dc;
        power[_half] = nyquist * nyquist;
        for (int k = 1; k < _half; k++)
        {
            int m = _half - k;
            Vector256<double> evenRe = half * (re[k] + re[m]);
            Vector256<double> evenIm = half * (im[k] - im[m]);
            Vector256<double> oddRe = half * (im[k] + im[m]);
            Vector256<double> oddIm = half * (re[m] - re[k]);
            Vector256<double> wr = Vector256.Create(_unpackRe[k]);
            Vector256<double> wi = Vector256.Create(_unpackIm[k]);
            Vector256<double> xr = evenRe + (wr * oddRe) - (wi * oddIm);
            Vector256<double> xi = evenIm + (wr * oddIm) + (wi * oddRe);
            power[k] = (xr * xr) + (xi * xi);
        }
    }

    private void Transform(Vector256<double>[] re, Vector256<double>[] im)
    {
        int n = _half;

        // Twiddle-free radix-4 first pass: spans 1 and 2.
        for (int s = 0; s < n; s += 4)
        {
            Vector256<double> b0r = re[s] + re[s + 1], b0i = im[s] + im[s + 1];
            Vector256<double> b1r = re[s] - re[s + 1], b1i = im[s] - im[s + 1];
            Vector256<double> b2r = re[s + 2] + re[s + 3], b2i = im[s + 2] + im[s + 3];
            Vector256<double> b3r = re[s + 2] - re[s + 3], b3i = im[s + 2] - im[s + 3];
            re[s] = b0r + b2r;
            im[s] = b0i + b2i;
            re[s + 2] = b0r - b2r;
            im[s + 2] = b0i - b2i;
            re[s + 1] = b1r + b3i;
            im[s + 1] = b1i - b3r;
            re[s + 3] = b1r - b3i;
            im[s + 3] = b1i + b3r;
        }

        int h = 4;
        for (; 2 * h < n; h *= 4)
        {
            for (int s = 0; s < n; s += 4 * h)
            {
                for (int j = 0; j < h; j++)
                {
                    int p0 = s + j, p1 = p0 + h, p2 = p1 + h, p3 = p2 + h;
                    Vector256<double> w1r = Vector256.Create(_twiddleRe[h + j]), w1i = Vector256.Create(_twiddleIm[h + j]);
                    Vector256<double> w2r = Vector256.Create(_twiddleRe[(2 * h) + j]), w2i = Vector256.Create(_twiddleIm[(2 * h) + j]);
                    Vector256<double> a1r = re[p1], a1i = im[p1], a3r = re[p3], a3i = im[p3];
                    Vector256<double> t1r = (w1r * a1r) - (w1i * a1i), t1i = (w1r * a1i) + (w1i * a1r);
                    Vector256<double> t3r = (w1r * a3r) - (w1i * a3i), t3i = (w1r * a3i) + (w1i * a3r);
                    Vector256<double> b0r = re[p0] + t1r, b0i = im[p0] + t1i, b1r = re[p0] - t1r, b1i = im[p0] - t1i;
                    Vector256<double> b2r = re[p2] + t3r, b2i = im[p2] + t3i, b3r = re[p2] - t3r, b3i = im[p2] - t3i;
                    Vector256<double> u2r = (w2r * b2r) - (w2i * b2i), u2i = (w2r * b2i) + (w2i * b2r);
                    Vector256<double> u3r = (w2r * b3r) - (w2i * b3i), u3i = (w2r * b3i) + (w2i * b3r);
                    re[p0] = b0r + u2r;
                    im[p0] = b0i + u2i;
                    re[p2] = b0r - u2r;
                    im[p2] = b0i - u2i;
                    re[p1] = b1r + u3i;
                    im[p1] = b1i - u3r;
                    re[p3] = b1r - u3i;
                    im[p3] = b1i + u3r;
                }
            }
        }

        if (h < n)
        {
            for (int s = 0; s < n; s += 2 * h)
            {
                for (int j = 0; j < h; j++)
                {
                    int a = s + j, b = a + h;
                    Vector256<double> wr = Vector256.Create(_twiddleRe[h + j]), wi = Vector256.Create(_twiddleIm[h + j]);
                    Vector256<double> tr = (wr * re[b]) - (wi * im[b]);
                    Vector256<double> ti = (wr * im[b]) + (wi * re[b]);
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }
}
