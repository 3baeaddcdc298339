namespace LeWm.Audio;

/// <summary>
/// A mono clip of audio: samples as 32-bit floats in [-1, 1] (nominally) and the rate they were taken at.
/// </summary>
/// <remarks>
/// The clip does not copy the array it is given and never hands out copies: <see cref="Samples"/> is a view.
/// Instances are immutable as far as this type is concerned; do not mutate the array after handing it over.
/// </remarks>
public sealed class AudioClip
{
    private readonly float[] _samples;

    /// <summary>Wraps <paramref name="samples"/> (not copied) as a clip at <paramref name="sampleRate"/> Hz.</summary>
    /// <param name="samples">Mono samples; the clip takes ownership of the array.</param>
    /// <param name="sampleRate">Samples per second, positive.</param>
    /// <exception cref="ArgumentNullException"><paramref name="samples"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is zero or negative.</exception>
    public AudioClip(float[] samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        _samples = samples;
        SampleRate = sampleRate;
    }

    /// <summary>The sample rate of the LeWM front end and of every vocoder the SDK ships: 24 000 Hz.</summary>
    public const int ModelSampleRate = 24_000;

    /// <summary>The mono samples, a view of the clip's storage (no copy).</summary>
    public ReadOnlyMemory<float> Samples => _samples;

    /// <summary>Samples per second (Hz).</summary>
    public int SampleRate { get; }

    /// <summary>The number of samples.</summary>
    public int Length => _samples.Length;

    /// <summary>The clip's duration.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)_samples.Length / SampleRate);

    /// <summary>Returns this clip at <paramref name="targetSampleRate"/> Hz, band-limited (see <see cref="Dsp.Resampler"/>).</summary>
    /// <param name="targetSampleRate">The rate wanted, positive.</param>
    /// <returns>This instance when the rate already matches, otherwise a new clip.</returns>
    public AudioClip ResampleTo(int targetSampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetSampleRate);
        return targetSampleRate == SampleRate
            ? this
            : new AudioClip(Dsp.Resampler.Resample(_samples, SampleRate, targetSampleRate), targetSampleRate);
    }
}
