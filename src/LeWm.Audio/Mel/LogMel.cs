namespace LeWm.Audio.Mel;

/// <summary>
/// A log-mel spectrogram: natural-log mel energies laid out as <c>[bands, frames]</c> row-major (band-major), the
/// layout of a <c>[100, T]</c> tensor and of the <c>.npy</c> files the SDK writes.
/// </summary>
/// <remarks>The array is the instance's storage (not a copy).</remarks>
public sealed class LogMel
{
    /// <summary>Wraps <paramref name="values"/> (not copied) as a <paramref name="bands"/> × <paramref name="frames"/> spectrogram.</summary>
    /// <param name="values">Band-major values, <c>bands × frames</c> of them.</param>
    /// <param name="bands">The number of mel bands.</param>
    /// <param name="frames">The number of frames.</param>
    /// <exception cref="ArgumentException">The array does not hold <c>bands × frames</c> values.</exception>
    public LogMel(float[] values, int bands, int frames)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bands);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        if (values.Length != (long)bands * frames)
        {
            throw new ArgumentException($"A {bands} × {frames} log-mel needs {(long)bands * frames} values; got {values.Length}.", nameof(values));
        }

        Values = values;
        Bands = bands;
        Frames = frames;
    }

    /// <summary>The values, <c>[bands, frames]</c> band-major.</summary>
    public float[] Values { get; }

    /// <summary>The number of mel bands.</summary>
    public int Bands { get; }

    /// <summary>The number of frames.</summary>
    public int Frames { get; }

    /// <summary>Gets the value of band <paramref name="band"/> at frame <paramref name="frame"/>.</summary>
    /// <param name="band">The band, in [0, <see cref="Bands"/>).</param>
    /// <param name="frame">The frame, in [0, <see cref="Frames"/>).</param>
    public float this[int band, int frame] => Values[(band * Frames) + frame];
}
