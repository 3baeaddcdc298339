namespace LeWm.Audio.Segmentation;

/// <summary>
/// A stretch of a recording, in samples: the range [<see cref="Start"/>, <see cref="End"/>) of a clip at
/// <see cref="SampleRate"/> Hz.
/// </summary>
/// <remarks>
/// A segment does not hold the samples; take them with <c>clip.Samples.Slice(segment.Start, segment.Length)</c>.
/// </remarks>
public sealed record AudioSegment
{
    /// <summary>Creates the segment of <paramref name="length"/> samples that starts at sample <paramref name="start"/>.</summary>
    /// <param name="start">The index of the first sample, 0 or more.</param>
    /// <param name="length">The number of samples, 0 or more.</param>
    /// <param name="sampleRate">The rate of the recording in Hz, positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="start"/> or <paramref name="length"/> is negative, their sum overflows, or
    /// <paramref name="sampleRate"/> is zero or negative.
    /// </exception>
    public AudioSegment(int start, int length, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, int.MaxValue - start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        Start = start;
        Length = length;
        SampleRate = sampleRate;
    }

    /// <summary>The index of the first sample.</summary>
    public int Start { get; }

    /// <summary>The number of samples.</summary>
    public int Length { get; }

    /// <summary>The rate of the recording in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>The index one past the last sample: <see cref="Start"/> + <see cref="Length"/>.</summary>
    public int End => Start + Length;

    /// <summary>The time of the first sample from the start of the recording.</summary>
    public TimeSpan StartTime => TimeSpan.FromSeconds((double)Start / SampleRate);

    /// <summary>The time just after the last sample (<see cref="End"/>) from the start of the recording.</summary>
    public TimeSpan EndTime => TimeSpan.FromSeconds((double)End / SampleRate);

    /// <summary>The segment's length as a time.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Length / SampleRate);
}
