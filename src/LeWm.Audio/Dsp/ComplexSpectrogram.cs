namespace LeWm.Audio.Dsp;

/// <summary>
/// A one-sided complex spectrogram laid out as <c>[bins, frames]</c> in row-major order (bin-major, as a
/// <c>torch.stft</c> result of shape [bins, frames]).
/// </summary>
/// <remarks>The arrays are the instance's storage (not copies); the instance owns them.</remarks>
public sealed class ComplexSpectrogram
{
    /// <summary>Wraps real and imaginary parts (not copied) of a <paramref name="bins"/> × <paramref name="frames"/> spectrogram.</summary>
    /// <param name="real">Real parts, <c>bins × frames</c> values, bin-major.</param>
    /// <param name="imaginary">Imaginary parts, same layout.</param>
    /// <param name="bins">The number of frequency bins (FFT size / 2 + 1).</param>
    /// <param name="frames">The number of frames.</param>
    /// <exception cref="ArgumentException">The arrays do not hold <c>bins × frames</c> values.</exception>
    public ComplexSpectrogram(float[] real, float[] imaginary, int bins, int frames)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(imaginary);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        if (real.Length != (long)bins * frames || imaginary.Length != real.Length)
        {
            throw new ArgumentException(
                $"A {bins} × {frames} spectrogram needs {(long)bins * frames} values per part; got {real.Length} real and {imaginary.Length} imaginary.");
        }

        Real = real;
        Imaginary = imaginary;
        Bins = bins;
        Frames = frames;
    }

    /// <summary>Real parts, <c>[bins, frames]</c> bin-major.</summary>
    public float[] Real { get; }

    /// <summary>Imaginary parts, <c>[bins, frames]</c> bin-major.</summary>
    public float[] Imaginary { get; }

    /// <summary>The number of frequency bins.</summary>
    public int Bins { get; }

    /// <summary>The number of frames.</summary>
    public int Frames { get; }

    /// <summary>Returns the magnitudes |X| as a new <c>[bins, frames]</c> array.</summary>
    public float[] Magnitude()
    {
        var magnitude = new float[Real.Length];
        for (int i = 0; i < magnitude.Length; i++)
        {
            magnitude[i] = MathF.Sqrt((Real[i] * Real[i]) + (Imaginary[i] * Imaginary[i]));
        }

        return magnitude;
    }
}
