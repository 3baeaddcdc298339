using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

namespace LeWm.Audio.Dsp;

/// <summary>
/// A double-precision real FFT of a power-of-two size: the real signal is packed into a complex signal of half
/// the size, transformed with an iterative radix-2 FFT on split real/imaginary arrays (vectorised where the
/// butterfly span allows), and unpacked into the one-sided spectrum.
/// </summary>
/// <remarks>
/// Why not a package: the log-mel parity tolerance (1e-3 in natural-log units down to 1e-5 in linear mel energy)
/// is below what a single-precision FFT delivers in quiet bands of loud frames, and the packages served here
/// (NWaves, NAudio, MathNet, FftSharp) are single precision, or slower (see the benchmarks). Instances hold
/// scratch buffers and are <b>not</b> thread-safe; use one per thread.
/// </remarks>
internal sealed class RealFft
{
    private readonly int _size;
    private readonly int _half;
    private readonly int[] _bitReverse;
    private readonly double[] _twiddleRe;   // per stage, contiguous: the stage with span h uses [h, 2h)
    private readonly double[] _twiddleIm;
    private readonly double[] _unpackRe;    // e^{-2πik/N}, k = 0..N/2
    private readonly double[] _unpackIm;
    private readonly double[] _re;
    private readonly double[] _im;

    /// <summary>Creates an FFT of <paramref name="size"/> real points (a power of two, at least 4).</summary>
    public RealFft(int size)
    {
        FftTables tables = FftTables.For(size);
        _size = size;
        _half = size / 2;
        _re = new double[_half];
        _im = new double[_half];
        _bitReverse = tables.BitReverse;
        _twiddleRe = tables.TwiddleRe;
        _twiddleIm = tables.TwiddleIm;
        _unpackRe = tables.UnpackRe;
        _unpackIm = tables.UnpackIm;
    }

    /// <summary>The number of real input points.</summary>
    public int Size => _size;

    /// <summary>The number of one-sided spectrum bins, <c>Size / 2 + 1</c>.</summary>
    public int Bins => _half + 1;

    /// <summary>Computes X[k] = Σ x[n] e^{-2πikn/N} for k = 0..N/2.</summary>
    public void Forward(ReadOnlySpan<double> input, Span<double> real, Span<double> imag)
    {
        if (real.Length < _half + 1 || imag.Length < _half + 1)
        {
            throw new ArgumentException($"Expected room for {_half + 1} bins.");
        }

        Transform(input);
        real[0] = _re[0] + _im[0];
        imag[0] = 0;
        real[_half] = _re[0] - _im[0];
        imag[_half] = 0;
        for (int k = 1; k < _half; k++)
        {
            (real[k], imag[k]) = Unpack(k);
        }
    }

    /// <summary>Computes the power spectrum |X[k]|² for k = 0..N/2 (the spectrum itself is never stored).</summary>
    public void ForwardPower(ReadOnlySpan<double> input, Span<double> power)
    {
        if (power.Length < _half + 1)
        {
            throw new ArgumentException($"Expected room for {_half + 1} bins.");
        }

        Transform(input);
        double dc = _re[0] + _im[0];
        double nyquist = _re[0] - _im[0];
        power[0] = dc * dc;
        power[_half] = nyquist * nyquist;
        int k = 1;
        if (Vector256.IsHardwareAccelerated)
        {
            k = UnpackPowerVectorised(power);
        }

        for (; k < _half; k++)
        {
            (double re, double im) = Unpack(k);
            power[k] = (re * re) + (im * im);
        }
    }

    /// <summary>
    /// The power unpack for k = 1, 5, 9, … four bins at a time; the mirrored bins M − k are loaded as a vector and
    /// reversed. Returns the first k left for the scalar loop.
    /// </summary>
    private int UnpackPowerVectorised(Span<double> power)
    {
        ReadOnlySpan<double> re = _re;
        ReadOnlySpan<double> im = _im;
        Vector256<long> reverse = Vector256.Create(3L, 2L, 1L, 0L);
        Vector256<double> half = Vector256.Create(0.5);
        int k = 1;
        for (; k + 3 < _half; k += 4)
        {
            int m = _half - k - 3; // the vector at m holds bins M−k−3 … M−k; reversed it lines up with k … k+3
            Vector256<double> rk = Vector256.Create(re.Slice(k, 4));
            Vector256<double> ik = Vector256.Create(im.Slice(k, 4));
            Vector256<double> rm = Vector256.Shuffle(Vector256.Create(re.Slice(m, 4)), reverse);
            Vector256<double> imm = Vector256.Shuffle(Vector256.Create(im.Slice(m, 4)), reverse);
            Vector256<double> wr = Vector256.Create(_unpackRe.AsSpan(k, 4));
            Vector256<double> wi = Vector256.Create(_unpackIm.AsSpan(k, 4));
            Vector256<double> evenRe = half * (rk + rm);
            Vector256<double> evenIm = half * (ik - imm);
            Vector256<double> oddRe = half * (ik + imm);
            Vector256<double> oddIm = half * (rm - rk);
            Vector256<double> xr = evenRe + (wr * oddRe) - (wi * oddIm);
            Vector256<double> xi = evenIm + (wr * oddIm) + (wi * oddRe);
            ((xr * xr) + (xi * xi)).CopyTo(power.Slice(k, 4));
        }

        return k;
    }

    /// <summary>Packs the real input into the half-size complex buffer (bit-reversed) and transforms it.</summary>
    private void Transform(ReadOnlySpan<double> input)
    {
        if (input.Length != _size)
        {
            throw new ArgumentException($"Expected {_size} input points; got {input.Length}.");
        }

        double[] re = _re;
        double[] im = _im;
        int[] rev = _bitReverse;
        for (int n = 0; n < _half; n++)
        {
            int r = rev[n];
            re[r] = input[2 * n];
            im[r] = input[(2 * n) + 1];
        }

        ComplexInPlace(re, im);
    }

    /// <summary>X[k] = (Z[k] + conj Z[M-k]) / 2 - i/2 · W^k · (Z[k] - conj Z[M-k]), for 0 &lt; k &lt; M.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (double Real, double Imaginary) Unpack(int k)
    {
        int m = _half - k;
        double[] re = _re;
        double[] im = _im;
        double evenRe = 0.5 * (re[k] + re[m]);
        double evenIm = 0.5 * (im[k] - im[m]);
        double oddRe = 0.5 * (im[k] + im[m]);
        double oddIm = -0.5 * (re[k] - re[m]);
        double wr = _unpackRe[k];
        double wi = _unpackIm[k];
        return (evenRe + (wr * oddRe) - (wi * oddIm), evenIm + (wr * oddIm) + (wi * oddRe));
    }

    /// <summary>
    /// Computes the real inverse x[n] = (1/N) Σ X[k] e^{2πikn/N} from the one-sided spectrum (Hermitian symmetry
    /// implied; the imaginary parts of the DC and Nyquist bins are ignored, as <c>torch.fft.irfft</c> does).
    /// </summary>
    public void Inverse(ReadOnlySpan<double> real, ReadOnlySpan<double> imag, Span<double> output)
    {
        if (output.Length != _size || real.Length < _half + 1 || imag.Length < _half + 1)
        {
            throw new ArgumentException($"Expected {_half + 1} bins and room for {_size} output points.");
        }

        double[] re = _re;
        double[] im = _im;

        // Repack: Z[k] = E[k] + i·O[k], E[k] = (X[k] + conj X[M-k]) / 2, O[k] = (X[k] - conj X[M-k]) · W^{-k} / 2.
        // The conjugate trick turns the inverse into a forward transform: z = conj(FFT(conj Z)) / M.
        for (int k = 0; k < _half; k++)
        {
            int m = _half - k;
            double xr = real[k];
            double xi = k == 0 ? 0 : imag[k];
            double yr = real[m];
            double yi = m == _half ? 0 : -imag[m]; // conj X[M-k]
            double eRe = 0.5 * (xr + yr);
            double eIm = 0.5 * (xi + yi);
            double dRe = 0.5 * (xr - yr);
            double dIm = 0.5 * (xi - yi);
            double wr = _unpackRe[k];
            double wi = -_unpackIm[k];
            double oRe = (dRe * wr) - (dIm * wi);
            double oIm = (dRe * wi) + (dIm * wr);

            // Z[k] = E + i·O; store conj(Z[k]) at its bit-reversed slot.
            int r = _bitReverse[k];
            re[r] = eRe - oIm;
            im[r] = -(eIm + oRe);
        }

        ComplexInPlace(re, im);

        double scale = 1.0 / _half;
        for (int n = 0; n < _half; n++)
        {
            output[2 * n] = re[n] * scale;
            output[(2 * n) + 1] = -im[n] * scale;
        }
    }

    /// <summary>
    /// In-place complex FFT of bit-reversed input on split arrays: a twiddle-free radix-4 first pass (the span-1 and
    /// span-2 radix-2 stages), then radix-4 passes that merge two radix-2 stages each (spans h and 2h, so the data
    /// crosses memory half as often), then one radix-2 pass when the stage count is odd. Passes with spans of at
    /// least the vector width run on <see cref="Vector{T}"/>.
    /// </summary>
    private void ComplexInPlace(double[] re, double[] im)
    {
        int n = _half;
        int h;
        if (n >= 4)
        {
            for (int s = 0; s < n; s += 4)
            {
                double a0r = re[s], a0i = im[s], a1r = re[s + 1], a1i = im[s + 1];
                double a2r = re[s + 2], a2i = im[s + 2], a3r = re[s + 3], a3i = im[s + 3];
                double b0r = a0r + a1r, b0i = a0i + a1i, b1r = a0r - a1r, b1i = a0i - a1i;
                double b2r = a2r + a3r, b2i = a2i + a3i, b3r = a2r - a3r, b3i = a2i - a3i;

                // (−i)·b3 = b3i − i·b3r
                re[s] = b0r + b2r;
                im[s] = b0i + b2i;
                re[s + 2] = b0r - b2r;
                im[s + 2] = b0i - b2i;
                re[s + 1] = b1r + b3i;
                im[s + 1] = b1i - b3r;
                re[s + 3] = b1r - b3i;
                im[s + 3] = b1i + b3r;
            }

            h = 4;
        }
        else
        {
            for (int s = 0; s < n; s += 2)
            {
                double ar = re[s], ai = im[s], br = re[s + 1], bi = im[s + 1];
                re[s] = ar + br;
                im[s] = ai + bi;
                re[s + 1] = ar - br;
                im[s + 1] = ai - bi;
            }

            h = 2;
        }

        for (; 2 * h < n; h *= 4)
        {
            Radix4Pass(re, im, h);
        }

        if (h < n)
        {
            Radix2Pass(re, im, h);
        }
    }

    /// <summary>The radix-2 stages of spans <paramref name="h"/> and 2h in one pass over the data.</summary>
    private void Radix4Pass(double[] re, double[] im, int h)
    {
        int n = _half;
        int width = Vector<double>.Count;
        if (h % width == 0)
        {
            Span<Vector<double>> reV = MemoryMarshal.Cast<double, Vector<double>>(re.AsSpan());
            Span<Vector<double>> imV = MemoryMarshal.Cast<double, Vector<double>>(im.AsSpan());
            ReadOnlySpan<Vector<double>> twRe = MemoryMarshal.Cast<double, Vector<double>>(_twiddleRe.AsSpan());
            ReadOnlySpan<Vector<double>> twIm = MemoryMarshal.Cast<double, Vector<double>>(_twiddleIm.AsSpan());
            int hv = h / width;
            for (int s = 0; s < n; s += 4 * h)
            {
                int p0 = s / width, p1 = p0 + hv, p2 = p1 + hv, p3 = p2 + hv;
                for (int j = 0; j < hv; j++)
                {
                    Vector<double> w1r = twRe[hv + j], w1i = twIm[hv + j];            // e^{-iπ j/h}
                    Vector<double> w2r = twRe[(2 * hv) + j], w2i = twIm[(2 * hv) + j]; // e^{-iπ j/(2h)}
                    Vector<double> a0r = reV[p0 + j], a0i = imV[p0 + j];
                    Vector<double> a1r = reV[p1 + j], a1i = imV[p1 + j];
                    Vector<double> a2r = reV[p2 + j], a2i = imV[p2 + j];
                    Vector<double> a3r = reV[p3 + j], a3i = imV[p3 + j];

                    Vector<double> t1r = (w1r * a1r) - (w1i * a1i), t1i = (w1r * a1i) + (w1i * a1r);
                    Vector<double> t3r = (w1r * a3r) - (w1i * a3i), t3i = (w1r * a3i) + (w1i * a3r);
                    Vector<double> b0r = a0r + t1r, b0i = a0i + t1i, b1r = a0r - t1r, b1i = a0i - t1i;
                    Vector<double> b2r = a2r + t3r, b2i = a2i + t3i, b3r = a2r - t3r, b3i = a2i - t3i;

                    Vector<double> u2r = (w2r * b2r) - (w2i * b2i), u2i = (w2r * b2i) + (w2i * b2r);
                    Vector<double> u3r = (w2r * b3r) - (w2i * b3i), u3i = (w2r * b3i) + (w2i * b3r);

                    // W3 = −i·W2, so W3·b3 = −i·u3 = u3i − i·u3r.
                    reV[p0 + j] = b0r + u2r;
                    imV[p0 + j] = b0i + u2i;
                    reV[p2 + j] = b0r - u2r;
                    imV[p2 + j] = b0i - u2i;
                    reV[p1 + j] = b1r + u3i;
                    imV[p1 + j] = b1i - u3r;
                    reV[p3 + j] = b1r - u3i;
                    imV[p3 + j] = b1i + u3r;
                }
            }

            return;
        }

        Radix2Pass(re, im, h);
        Radix2Pass(re, im, 2 * h);
    }

    private void Radix2Pass(double[] re, double[] im, int h)
    {
        int n = _half;
        int width = Vector<double>.Count;
        if (h % width == 0)
        {
            Span<Vector<double>> reV = MemoryMarshal.Cast<double, Vector<double>>(re.AsSpan());
            Span<Vector<double>> imV = MemoryMarshal.Cast<double, Vector<double>>(im.AsSpan());
            ReadOnlySpan<Vector<double>> twRe = MemoryMarshal.Cast<double, Vector<double>>(_twiddleRe.AsSpan());
            ReadOnlySpan<Vector<double>> twIm = MemoryMarshal.Cast<double, Vector<double>>(_twiddleIm.AsSpan());
            int hv = h / width;
            for (int s = 0; s < n; s += 2 * h)
            {
                int av = s / width;
                int bv = av + hv;
                for (int j = 0; j < hv; j++)
                {
                    Vector<double> wr = twRe[hv + j], wi = twIm[hv + j];
                    Vector<double> br = reV[bv + j], bi = imV[bv + j];
                    Vector<double> tr = (wr * br) - (wi * bi);
                    Vector<double> ti = (wr * bi) + (wi * br);
                    Vector<double> ar = reV[av + j], ai = imV[av + j];
                    reV[av + j] = ar + tr;
                    imV[av + j] = ai + ti;
                    reV[bv + j] = ar - tr;
                    imV[bv + j] = ai - ti;
                }
            }

            return;
        }

        for (int s = 0; s < n; s += 2 * h)
        {
            for (int j = 0; j < h; j++)
            {
                double wr = _twiddleRe[h + j], wi = _twiddleIm[h + j];
                int a = s + j, b = a + h;
                double tr = (wr * re[b]) - (wi * im[b]);
                double ti = (wr * im[b]) + (wi * re[b]);
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
    }
}
