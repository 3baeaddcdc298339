namespace LeWm.Audio.Dsp;

/// <summary>Analysis windows.</summary>
public static class Window
{
    /// <summary>
    /// Returns the periodic Hann window of <paramref name="length"/> points, w[n] = 0.5 − 0.5·cos(2πn/length),
    /// evaluated in single precision in the order <c>torch.hann_window(length, periodic=True)</c> evaluates it
    /// (n · float(2π/length), cos, · −0.5, + 0.5).
    /// </summary>
    /// <remarks>
    /// Matching PyTorch's float32 rounding matters: Vocos and torchaudio use this float32 window, and the far
    /// side lobes of a windowed pure tone (about −140 dB) are set by its rounding. A double-precision window moves
    /// those bins by up to 0.5 in log-mel.
    /// </remarks>
    /// <param name="length">The window length in samples, positive.</param>
    /// <returns>A new array of <paramref name="length"/> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative.</exception>
    public static float[] PeriodicHann(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var window = new float[length];
        float scale = (float)(Math.PI * 2.0 / length);
        for (int n = 0; n < length; n++)
        {
            window[n] = (MathF.Cos(n * scale) * -0.5f) + 0.5f;
        }

        return window;
    }
}
