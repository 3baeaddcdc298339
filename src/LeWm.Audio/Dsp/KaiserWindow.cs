namespace LeWm.Audio.Dsp;

/// <summary>
/// Evaluates the Kaiser window and the Kaiser design formulas that size a windowed-sinc low-pass filter
/// (J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window function", 1974).
/// </summary>
internal sealed class KaiserWindow
{
    private readonly double _beta;
    private readonly double _scale;

    /// <summary>Creates the window with shape parameter <paramref name="beta"/>.</summary>
    /// <param name="beta">The shape parameter β, 0 or more (see <see cref="BetaForAttenuation"/>).</param>
    public KaiserWindow(double beta)
    {
        _beta = beta;
        _scale = 1 / BesselI0(beta);
    }

    /// <summary>Returns the shape parameter β that gives a stopband attenuation of <paramref name="attenuationDb"/>.</summary>
    /// <param name="attenuationDb">The stopband attenuation wanted, in dB, as a positive number (80 means −80 dB).</param>
    /// <returns>β, dimensionless; 0 (a rectangular window) below 21 dB.</returns>
    public static double BetaForAttenuation(double attenuationDb) => attenuationDb switch
    {
        > 50 => 0.1102 * (attenuationDb - 8.7),
        >= 21 => (0.5842 * Math.Pow(attenuationDb - 21, 0.4)) + (0.07886 * (attenuationDb - 21)),
        _ => 0,
    };

    /// <summary>
    /// Returns the number of taps a Kaiser-windowed filter needs for <paramref name="attenuationDb"/> of stopband
    /// attenuation across a transition band <paramref name="transitionWidth"/> wide.
    /// </summary>
    /// <param name="attenuationDb">The stopband attenuation, in dB, as a positive number.</param>
    /// <param name="transitionWidth">The transition band's width in cycles per sample (0 to 0.5).</param>
    /// <returns>The filter length in samples, not rounded.</returns>
    public static double LengthFor(double attenuationDb, double transitionWidth) =>
        (attenuationDb - 7.95) / (14.36 * transitionWidth);

    /// <summary>Returns the window's value at <paramref name="x"/>, where the window spans x ∈ [−1, 1].</summary>
    /// <param name="x">The position relative to the window's half-width; 0 is the centre.</param>
    /// <returns>I0(β·√(1 − x²)) / I0(β) inside the window, 0 outside it.</returns>
    public double ValueAt(double x)
    {
        double inside = 1.0 - (x * x);
        return inside < 0 ? 0 : BesselI0(_beta * Math.Sqrt(inside)) * _scale;
    }

    /// <summary>Returns I0(<paramref name="x"/>), the zeroth-order modified Bessel function of the first kind.</summary>
    /// <param name="x">The argument; the series converges quickly for the |x| &lt; 50 a window uses.</param>
    /// <returns>Σ ((x/2)^k / k!)², summed until a term no longer changes the result.</returns>
    public static double BesselI0(double x)
    {
        double halfX = x / 2;
        double term = 1;
        double sum = 1;
        for (int k = 1; k < 500; k++)
        {
            double factor = halfX / k;
            term *= factor * factor;
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }
}
