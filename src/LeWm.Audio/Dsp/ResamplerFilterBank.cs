namespace LeWm.Audio.Dsp;

/// <summary>
/// Holds the polyphase table of the Kaiser-windowed sinc low-pass filter that converts one sample rate to another:
/// one row of taps for each fractional position an output sample can fall at between two input samples.
/// </summary>
/// <remarks>
/// <para>
/// With g = gcd(source, target), L = target / g and M = source / g, output sample m lies at input position
/// m·M / L, whose fractional part is one of the L values p / L. When L ≤ <see cref="MaxExactPhases"/> the table
/// holds exactly those L rows and every output sample uses one row. Otherwise (rates with a small common divisor,
/// such as 44 101 → 24 000) it holds <see cref="InterpolatedPhases"/> + 1 rows spaced 1 / 512 apart and the caller
/// interpolates linearly between the two rows around the exact position; the kernel is smooth enough that this
/// costs well under −90 dB of error.
/// </para>
/// <para>
/// The kernel is h(t) = 2·fc·sinc(2·fc·t)·w(t / W) with t in input samples, fc the cut-off in cycles per input
/// sample and w a Kaiser window of half-width W. The cut-off sits at 95 % of the lower rate's Nyquist frequency
/// with the transition band from 90 % to 100 % of it and <see cref="StopbandAttenuationDb"/> of attenuation beyond,
/// so nothing above the lower Nyquist frequency aliases back louder than −80 dB and everything below 90 % of it
/// passes within ±0.001 dB. Each row is scaled to sum to exactly 1, so a constant input gives that constant out.
/// Instances are immutable and safe to share between threads.
/// </para>
/// </remarks>
internal sealed class ResamplerFilterBank
{
    /// <summary>The stopband attenuation of the design, in dB (a positive number).</summary>
    public const double StopbandAttenuationDb = 80;

    /// <summary>The passband edge as a fraction of the lower rate's Nyquist frequency.</summary>
    public const double PassbandEdge = 0.90;

    /// <summary>The stopband edge as a fraction of the lower rate's Nyquist frequency.</summary>
    public const double StopbandEdge = 1.0;

    /// <summary>The most rows an exact table may have; beyond it the table is interpolated.</summary>
    public const int MaxExactPhases = 1024;

    /// <summary>The number of phase intervals of an interpolated table (it holds one more row than this).</summary>
    public const int InterpolatedPhases = 512;

    private readonly float[] _taps;

    /// <summary>Designs the filter and fills the table for <paramref name="sourceRate"/> → <paramref name="targetRate"/>.</summary>
    /// <param name="sourceRate">The input rate in Hz, positive.</param>
    /// <param name="targetRate">The output rate in Hz, positive.</param>
    public ResamplerFilterBank(int sourceRate, int targetRate)
    {
        SourceRate = sourceRate;
        TargetRate = targetRate;
        int divisor = GreatestCommonDivisor(sourceRate, targetRate);
        Interpolation = targetRate / divisor;
        Decimation = sourceRate / divisor;
        IsExact = Interpolation <= MaxExactPhases;
        PhaseCount = IsExact ? Interpolation : InterpolatedPhases;

        // Band edges in cycles per input sample.
        double lowerNyquist = 0.5 * Math.Min(sourceRate, targetRate) / sourceRate;
        double cutoff = lowerNyquist * (PassbandEdge + StopbandEdge) / 2;
        double transitionWidth = lowerNyquist * (StopbandEdge - PassbandEdge);
        double halfWidth = KaiserWindow.LengthFor(StopbandAttenuationDb, transitionWidth) / 2;
        var window = new KaiserWindow(KaiserWindow.BetaForAttenuation(StopbandAttenuationDb));

        HalfTapCount = (int)Math.Ceiling(halfWidth);
        TapCount = 2 * HalfTapCount;
        int rowCount = IsExact ? PhaseCount : PhaseCount + 1;
        _taps = new float[rowCount * TapCount];

        var row = new double[TapCount];
        for (int p = 0; p < rowCount; p++)
        {
            // Tap j multiplies input sample floor(position) − (K − 1) + j, which lies φ + K − 1 − j samples before
            // the output position, where φ = p / PhaseCount is the output's fractional position.
            double phase = (double)p / PhaseCount;
            double sum = 0;
            for (int j = 0; j < TapCount; j++)
            {
                double t = phase + HalfTapCount - 1 - j;
                double value = 2 * cutoff * Sinc(2 * cutoff * t) * window.ValueAt(t / halfWidth);
                row[j] = value;
                sum += value;
            }

            Span<float> destination = _taps.AsSpan(p * TapCount, TapCount);
            for (int j = 0; j < TapCount; j++)
            {
                destination[j] = (float)(row[j] / sum);
            }
        }
    }

    /// <summary>The input rate in Hz.</summary>
    public int SourceRate { get; }

    /// <summary>The output rate in Hz.</summary>
    public int TargetRate { get; }

    /// <summary>L = target / gcd(source, target): the output advances by M / L input samples per sample.</summary>
    public int Interpolation { get; }

    /// <summary>M = source / gcd(source, target).</summary>
    public int Decimation { get; }

    /// <summary>Whether the table has one row per exact phase p / L (otherwise rows are interpolated).</summary>
    public bool IsExact { get; }

    /// <summary>The number of phase steps between two input samples: L when exact, otherwise 512.</summary>
    public int PhaseCount { get; }

    /// <summary>K: the number of input samples each output sample takes from either side of its position.</summary>
    public int HalfTapCount { get; }

    /// <summary>2·K: the number of taps in each row.</summary>
    public int TapCount { get; }

    /// <summary>Returns the taps of row <paramref name="phase"/>, for an output at fractional position phase / PhaseCount.</summary>
    /// <param name="phase">The row, 0 to <see cref="PhaseCount"/> − 1 (or <see cref="PhaseCount"/> when not exact).</param>
    /// <returns>A view of <see cref="TapCount"/> taps, to be applied to the input samples floor(position) − K + 1 onwards.</returns>
    public ReadOnlySpan<float> Row(int phase) => _taps.AsSpan(phase * TapCount, TapCount);

    private static double Sinc(double x)
    {
        if (x == 0)
        {
            return 1;
        }

        double angle = Math.PI * x;
        return Math.Sin(angle) / angle;
    }

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
