using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace LeWm.Audio.Mel;

/// <summary>
/// Triangular mel filters on the HTK mel scale (m = 2595·log10(1 + f/700)), evaluated on the FFT bin frequencies
/// without area normalisation — torchaudio's <c>melscale_fbanks(norm=None, mel_scale="htk")</c>, which Vocos uses.
/// </summary>
/// <remarks>
/// The bank is stored sparsely: each band keeps the contiguous run of bins where its weight is positive, so
/// applying it costs about two multiply-adds per bin. Immutable and thread-safe.
/// </remarks>
public sealed class MelFilterBank
{
    private readonly double[][] _weights;
    private readonly int[] _firstBin;
    private readonly int[] _lowerBand;          // per bin: the lower of the (at most two) bands it feeds, or -1
    private readonly double[] _lowerWeight;     // per bin: its weight in that band
    private readonly double[] _upperWeight;     // per bin: its weight in the band above (0 when none)

    /// <summary>Builds the filter bank for <paramref name="options"/> (Vocos mel-24khz when null).</summary>
    /// <param name="options">The front-end settings; validated.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public MelFilterBank(MelOptions? options = null)
    {
        options ??= new MelOptions();
        options.Validate();
        Bands = options.Bands;
        Bins = (options.FftSize / 2) + 1;

        // Built in single precision, step by step as torchaudio's melscale_fbanks builds it (linspace of the bin
        // frequencies and of the mel points, mel → Hz, slopes): Vocos uses that float32 bank, and a pure tone on a
        // triangle's edge makes its rounding visible in the log-mel.
        float[] binFrequencies = Linspace(0f, options.SampleRate / 2, Bins);
        float[] melPoints = Linspace((float)HzToMel(options.MinFrequency), (float)HzToMel(options.EffectiveMaxFrequency), Bands + 2);
        var edges = new float[Bands + 2];
        for (int i = 0; i < edges.Length; i++)
        {
            edges[i] = 700f * (MathF.Pow(10f, melPoints[i] / 2595f) - 1f);
        }

        _weights = new double[Bands][];
        _firstBin = new int[Bands];
        var row = new double[Bins];
        for (int m = 0; m < Bands; m++)
        {
            float lowerWidth = edges[m + 1] - edges[m];
            float upperWidth = edges[m + 2] - edges[m + 1];
            int first = -1, last = -1;
            for (int k = 0; k < Bins; k++)
            {
                float down = -(edges[m] - binFrequencies[k]) / lowerWidth;
                float up = (edges[m + 2] - binFrequencies[k]) / upperWidth;
                row[k] = Math.Max(0f, Math.Min(down, up));
                if (row[k] > 0)
                {
                    if (first < 0)
                    {
                        first = k;
                    }

                    last = k;
                }
            }

            _firstBin[m] = Math.Max(first, 0);
            _weights[m] = first < 0 ? [] : row.AsSpan(first, last - first + 1).ToArray();
        }

        // Triangles on consecutive edges overlap only with their neighbours, so every bin feeds at most two adjacent
        // bands: store that bin-major, and apply the bank in one pass over the spectrum.
        _lowerBand = new int[Bins];
        _lowerWeight = new double[Bins];
        _upperWeight = new double[Bins];
        Array.Fill(_lowerBand, -1);
        for (int m = 0; m < Bands; m++)
        {
            for (int i = 0; i < _weights[m].Length; i++)
            {
                int k = _firstBin[m] + i;
                if (_lowerBand[k] < 0)
                {
                    _lowerBand[k] = m;
                    _lowerWeight[k] = _weights[m][i];
                }
                else if (_lowerBand[k] == m - 1 && m < Bands)
                {
                    _upperWeight[k] = _weights[m][i];
                }
                else
                {
                    throw new InvalidOperationException($"FFT bin {k} lies in more than two adjacent mel bands; the filter bank is not triangular on consecutive edges.");
                }
            }
        }
    }

    /// <summary>The number of mel bands.</summary>
    public int Bands { get; }

    /// <summary>The number of FFT bins the bank applies to (FFT size / 2 + 1).</summary>
    public int Bins { get; }

    /// <summary>Returns the weight of FFT bin <paramref name="bin"/> in band <paramref name="band"/>.</summary>
    /// <param name="bin">The FFT bin, in [0, <see cref="Bins"/>).</param>
    /// <param name="band">The mel band, in [0, <see cref="Bands"/>).</param>
    public double this[int bin, int band]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bin);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bin, Bins);
            ArgumentOutOfRangeException.ThrowIfNegative(band);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(band, Bands);
            int offset = bin - _firstBin[band];
            return offset >= 0 && offset < _weights[band].Length ? _weights[band][offset] : 0.0;
        }
    }

    /// <summary>Returns the dense bank as <c>[bins, bands]</c> row-major, the layout of torchaudio's <c>fb</c> buffer.</summary>
    public float[] ToDense()
    {
        var dense = new float[Bins * Bands];
        for (int m = 0; m < Bands; m++)
        {
            double[] w = _weights[m];
            for (int i = 0; i < w.Length; i++)
            {
                dense[((_firstBin[m] + i) * Bands) + m] = (float)w[i];
            }
        }

        return dense;
    }

    /// <summary>Applies the bank to one frame's spectrum: mel[m] = Σ_k fb[k, m] · spectrum[k].</summary>
    /// <param name="spectrum">One frame's magnitudes, <see cref="Bins"/> values.</param>
    /// <param name="mel">Receives <see cref="Bands"/> values.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Apply(ReadOnlySpan<double> spectrum, Span<double> mel)
    {
        if (spectrum.Length != Bins || mel.Length < Bands)
        {
            throw new ArgumentException($"Expected {Bins} spectrum values and room for {Bands} bands; got {spectrum.Length} and {mel.Length}.");
        }

        // Bin-major, one pass: bin k adds to its lower band and to the band above. Each band still sums its bins in
        // ascending order, as the band-major definition does.
        Span<double> bands = mel[..Bands];
        bands.Clear();
        int last = Bands - 1;
        for (int k = 0; k < spectrum.Length; k++)
        {
            int m = _lowerBand[k];
            if (m < 0)
            {
                continue;
            }

            double v = spectrum[k];
            bands[m] += _lowerWeight[k] * v;
            if (m < last)
            {
                bands[m + 1] += _upperWeight[k] * v;
            }
        }
    }

    /// <summary>As <see cref="Apply(ReadOnlySpan{double}, Span{double})"/> for four frames at once (one per lane).</summary>
    internal void Apply(ReadOnlySpan<Vector256<double>> spectrum, Span<Vector256<double>> mel)
    {
        Span<Vector256<double>> bands = mel[..Bands];
        bands.Clear();
        int last = Bands - 1;
        for (int k = 0; k < Bins; k++)
        {
            int m = _lowerBand[k];
            if (m < 0)
            {
                continue;
            }

            Vector256<double> v = spectrum[k];
            bands[m] += Vector256.Create(_lowerWeight[k]) * v;
            if (m < last)
            {
                bands[m + 1] += Vector256.Create(_upperWeight[k]) * v;
            }
        }
    }

    /// <summary>Applies the transposed bank: spectrum[k] = Σ_m fb[k, m] · mel[m].</summary>
    /// <param name="mel"><see cref="Bands"/> values.</param>
    /// <param name="spectrum">Receives <see cref="Bins"/> values.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void ApplyTransposed(ReadOnlySpan<double> mel, Span<double> spectrum)
    {
        if (mel.Length != Bands || spectrum.Length < Bins)
        {
            throw new ArgumentException($"Expected {Bands} mel values and room for {Bins} bins; got {mel.Length} and {spectrum.Length}.");
        }

        spectrum[..Bins].Clear();
        for (int m = 0; m < Bands; m++)
        {
            double[] w = _weights[m];
            Span<double> s = spectrum.Slice(_firstBin[m], w.Length);
            TensorPrimitives.MultiplyAdd(w, mel[m], s, s);
        }
    }

    /// <summary>
    /// <c>torch.linspace</c> in float32 as PyTorch's CPU kernel evaluates it with 8-wide AVX2 vectors: the step is
    /// (end − start) / (steps − 1); values are made in pairs of vectors while 16 or more remain, each vector from a
    /// base start + step·i (first half) or end − step·(steps − 1 − i) (second half) evaluated with a fused
    /// multiply-add, plus step·j within the vector; the tail is scalar. Matching this rounding makes the filter
    /// bank equal torchaudio's bit for bit (tested against its output).
    /// </summary>
    private static float[] Linspace(float start, float end, int steps)
    {
        var values = new float[steps];
        float step = steps > 1 ? (end - start) / (steps - 1) : 0f;
        int halfway = steps / 2;
        const int Width = 8;
        int i = 0;
        for (; i <= steps - (2 * Width); i += Width)
        {
            float first = i < halfway ? MathF.FusedMultiplyAdd(step, i, start) : MathF.FusedMultiplyAdd(-step, steps - i - 1, end);
            for (int j = 0; j < Width; j++)
            {
                values[i + j] = first + (j * step);
            }
        }

        for (; i < steps; i++)
        {
            values[i] = i < halfway ? start + (step * i) : end - (step * (steps - i - 1));
        }

        return values;
    }

    /// <summary>Converts Hz to HTK mel: 2595 · log10(1 + f / 700).</summary>
    public static double HzToMel(double hz) => 2595.0 * Math.Log10(1.0 + (hz / 700.0));

    /// <summary>Converts HTK mel to Hz: 700 · (10^(m / 2595) − 1).</summary>
    public static double MelToHz(double mel) => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);
}
