using System.Globalization;

namespace LeWm.Audio.Segmentation;

/// <summary>
/// Describes how <see cref="SilenceSegmenter"/> finds pauses and how long the segments it cuts may be.
/// </summary>
/// <remarks>
/// The defaults suit read speech prepared for TTS training: 3–12 s segments, pauses of at least 0.2 s that are
/// 40 dB below the loudest 25 ms frame, and 0.1 s of context kept on each side of the speech.
/// <see cref="SilenceSegmenter"/> checks every property when it is constructed and reports all problems at once.
/// </remarks>
public sealed record SegmenterOptions
{
    /// <summary>The shortest segment wanted. Default: 3 s.</summary>
    /// <remarks>Shorter segments arise only where the rules of <see cref="SilenceSegmenter"/> leave no other choice.</remarks>
    public TimeSpan MinSegment { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest segment allowed; no segment is ever longer. Default: 12 s.</summary>
    public TimeSpan MaxSegment { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>
    /// The level below which a frame counts as silence, in dB relative to the mean-square energy of the recording's
    /// loudest frame; negative. Default: −40 dB.
    /// </summary>
    public double SilenceThresholdDb { get; init; } = -40;

    /// <summary>
    /// The level below which a frame counts as silence however quiet the recording is, in dB relative to full scale
    /// (a mean square of 1, i.e. a full-scale square wave; a full-scale sine is at −3 dB); not positive.
    /// Default: −60 dB.
    /// </summary>
    /// <remarks>This keeps a recording of room noise alone from being taken for speech.</remarks>
    public double AbsoluteThresholdDb { get; init; } = -60;

    /// <summary>The shortest stretch of silence that counts as a pause; shorter gaps are part of the speech. Default: 0.2 s.</summary>
    public TimeSpan MinPause { get; init; } = TimeSpan.FromSeconds(0.2);

    /// <summary>The length of the frames the energy envelope is measured over; shorter than <see cref="MinPause"/>. Default: 25 ms.</summary>
    public TimeSpan FrameLength { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The step between the starts of consecutive frames; at most <see cref="FrameLength"/>. Default: 10 ms.</summary>
    public TimeSpan FrameHop { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The silence kept before and after the speech of each segment, where the pause allows it (never beyond the middle
    /// of a pause). Default: 0.1 s.
    /// </summary>
    public TimeSpan Padding { get; init; } = TimeSpan.FromSeconds(0.1);

    /// <summary>Lists every problem with these options; empty when they are valid.</summary>
    internal List<string> CollectErrors()
    {
        var errors = new List<string>();
        if (MinSegment <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(MinSegment)} is {Format(MinSegment)}; it must be positive.");
        }

        if (MaxSegment <= MinSegment)
        {
            errors.Add($"{nameof(MaxSegment)} is {Format(MaxSegment)}; it must be longer than {nameof(MinSegment)} ({Format(MinSegment)}).");
        }

        if (!(SilenceThresholdDb < 0) || double.IsInfinity(SilenceThresholdDb))
        {
            errors.Add($"{nameof(SilenceThresholdDb)} is {Format(SilenceThresholdDb)}; it must be a finite negative number of dB.");
        }

        if (!(AbsoluteThresholdDb <= 0) || double.IsInfinity(AbsoluteThresholdDb))
        {
            errors.Add($"{nameof(AbsoluteThresholdDb)} is {Format(AbsoluteThresholdDb)}; it must be a finite number of dB, 0 or less.");
        }

        if (MinPause <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(MinPause)} is {Format(MinPause)}; it must be positive.");
        }

        if (FrameLength <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(FrameLength)} is {Format(FrameLength)}; it must be positive.");
        }
        else if (FrameLength >= MinPause && MinPause > TimeSpan.Zero)
        {
            errors.Add($"{nameof(FrameLength)} is {Format(FrameLength)}; it must be shorter than {nameof(MinPause)} ({Format(MinPause)}), or no pause fits a silent frame.");
        }

        if (FrameHop <= TimeSpan.Zero || FrameHop > FrameLength)
        {
            errors.Add($"{nameof(FrameHop)} is {Format(FrameHop)}; it must be positive and at most {nameof(FrameLength)} ({Format(FrameLength)}).");
        }

        if (Padding < TimeSpan.Zero)
        {
            errors.Add($"{nameof(Padding)} is {Format(Padding)}; it must not be negative.");
        }

        return errors;
    }

    private static string Format(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture) + " dB";
}
