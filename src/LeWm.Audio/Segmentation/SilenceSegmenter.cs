using LeWm.Audio.Dsp;

namespace LeWm.Audio.Segmentation;

/// <summary>
/// Cuts a long recording at its pauses into segments of speech between <see cref="SegmenterOptions.MinSegment"/> and
/// <see cref="SegmenterOptions.MaxSegment"/> long, with leading and trailing silence trimmed.
/// </summary>
/// <remarks>
/// <para>
/// <b>Pauses.</b> The recording is measured in frames (<see cref="SegmenterOptions.FrameLength"/>, stepped by
/// <see cref="SegmenterOptions.FrameHop"/>). A frame is silent when its mean-square energy is below
/// <see cref="SegmenterOptions.SilenceThresholdDb"/> relative to the loudest frame, or below
/// <see cref="SegmenterOptions.AbsoluteThresholdDb"/> relative to full scale. A pause is a stretch of silent frames at
/// least <see cref="SegmenterOptions.MinPause"/> long; shorter gaps belong to the speech around them. A recording
/// with no frame above both thresholds has no speech and gives no segments.
/// </para>
/// <para>
/// <b>Segments.</b> Each segment runs from <see cref="SegmenterOptions.Padding"/> before its first speech to
/// <see cref="SegmenterOptions.Padding"/> after its last (never beyond the middle of the pause on either side), so
/// the silence before the first speech, after the last, and in the middle of each pause cut at is left out. Working
/// from the start, each segment ends at the pause that is:
/// </para>
/// <list type="number">
/// <item>one that makes the segment at least <c>MinSegment</c> and at most <c>MaxSegment</c> long, preferring those
/// that leave at least <c>MinSegment</c> of speech after them; among these, the longest pause, and the latest of
/// those within two frame hops of the longest (pause lengths are only known to a hop at either end);</item>
/// <item>if there is none, the last pause before the <c>MinSegment</c> mark, when the speech after that pause is no
/// longer than <c>MaxSegment</c>: a shorter segment is preferred to a cut inside speech;</item>
/// <item>otherwise speech runs on past the <c>MaxSegment</c> mark with no pause and is longer than
/// <c>MaxSegment</c> itself, so it has to be cut inside. The cut goes at the centre of the quietest frame between
/// the <c>MinSegment</c> and <c>MaxSegment</c> marks, no earlier than the rest of that speech allows for cutting it
/// into as few pieces as its length requires, and before the last <c>MinSegment</c> of the recording when
/// possible. The next segment starts at that sample, with no gap.</item>
/// </list>
/// <para>
/// The speech from the current point to the end forms the last segment as soon as it fits in <c>MaxSegment</c>.
/// Consequently no segment is longer than <c>MaxSegment</c>; every cut lies in a pause unless a stretch of speech
/// longer than <c>MaxSegment</c> has none; and a segment is shorter than <c>MinSegment</c> only when the whole
/// speech is shorter, or when the pauses leave no other way to avoid cutting inside speech. A recording whose speech
/// fits in <c>MaxSegment</c> is one segment, whatever pauses it contains.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class SilenceSegmenter
{
    private readonly SegmenterOptions _options;

    /// <summary>Creates a segmenter with <paramref name="options"/>, or the defaults when null.</summary>
    /// <param name="options">How to find pauses and how long segments may be; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid; the message lists every problem.</exception>
    public SilenceSegmenter(SegmenterOptions? options = null)
    {
        options ??= new SegmenterOptions();
        List<string> errors = options.CollectErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The segmenter options are invalid: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
    }

    /// <summary>The options this segmenter uses.</summary>
    public SegmenterOptions Options => _options;

    /// <summary>Returns the segments of speech in <paramref name="clip"/>, in order.</summary>
    /// <param name="clip">The recording.</param>
    /// <returns>Non-overlapping segments in ascending order of start, in samples of <paramref name="clip"/>; empty when it has no speech.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clip"/> is null.</exception>
    /// <exception cref="AudioFormatException">A sample is NaN or infinite.</exception>
    public IReadOnlyList<AudioSegment> Split(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return Split(clip.Samples.Span, clip.SampleRate);
    }

    /// <summary>Returns the segments of speech in <paramref name="samples"/>, in order.</summary>
    /// <param name="samples">The mono recording, nominally in [−1, 1].</param>
    /// <param name="sampleRate">The rate of <paramref name="samples"/> in Hz, positive.</param>
    /// <returns>Non-overlapping segments in ascending order of start; empty when there is no speech.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is zero or negative.</exception>
    /// <exception cref="AudioFormatException">A sample is NaN or infinite.</exception>
    public IReadOnlyList<AudioSegment> Split(ReadOnlySpan<float> samples, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        SampleGuard.ThrowIfNotFinite(samples);
        if (samples.IsEmpty)
        {
            return [];
        }

        int frameLength = ToSamples(_options.FrameLength, sampleRate, MidpointRounding.AwayFromZero, minimum: 1);
        int hop = Math.Min(frameLength, ToSamples(_options.FrameHop, sampleRate, MidpointRounding.AwayFromZero, minimum: 1));
        var envelope = new EnergyEnvelope(samples, frameLength, hop);

        List<SpeechSpan> spans = FindSpeech(envelope, sampleRate);
        if (spans.Count == 0)
        {
            return [];
        }

        // Rounded inwards, so that a segment of minSegment to maxSegment samples is within the options' limits.
        int maxSegment = ToSamples(_options.MaxSegment, sampleRate, MidpointRounding.ToNegativeInfinity, minimum: 1);
        int minSegment = Math.Min(maxSegment, ToSamples(_options.MinSegment, sampleRate, MidpointRounding.ToPositiveInfinity, minimum: 1));
        return Plan(spans, envelope, minSegment, maxSegment, sampleRate);
    }

    /// <summary>Converts <paramref name="duration"/> to a whole number of samples, exactly, then rounded as <paramref name="rounding"/> says.</summary>
    private static int ToSamples(TimeSpan duration, int sampleRate, MidpointRounding rounding, int minimum)
    {
        decimal samples = Math.Round((decimal)duration.Ticks * sampleRate / TimeSpan.TicksPerSecond, rounding);
        return (int)Math.Clamp(samples, minimum, int.MaxValue);
    }

    /// <summary>Finds the stretches of speech: runs of loud frames, joined across gaps shorter than a pause.</summary>
    private List<SpeechSpan> FindSpeech(EnergyEnvelope envelope, int sampleRate)
    {
        ReadOnlySpan<float> energies = envelope.Energies;
        float loudest = 0;
        foreach (float energy in energies)
        {
            loudest = Math.Max(loudest, energy);
        }

        double threshold = Math.Max(
            loudest * Math.Pow(10, _options.SilenceThresholdDb / 10),
            Math.Pow(10, _options.AbsoluteThresholdDb / 10));
        int minPause = ToSamples(_options.MinPause, sampleRate, MidpointRounding.AwayFromZero, minimum: 1);

        // Raw spans [start, end) from runs of loud frames, merged when the silence between them is not a pause.
        var raw = new List<(int Start, int End)>();
        int f = 0;
        while (f < energies.Length)
        {
            if (!IsLoud(energies[f], threshold))
            {
                f++;
                continue;
            }

            int first = f;
            while (f < energies.Length && IsLoud(energies[f], threshold))
            {
                f++;
            }

            int start = envelope.FrameStart(first);
            int end = envelope.FrameEnd(f - 1);
            if (raw.Count > 0 && start - raw[^1].End < minPause)
            {
                raw[^1] = (raw[^1].Start, Math.Max(raw[^1].End, end));
            }
            else
            {
                raw.Add((start, end));
            }
        }

        // Padding, limited to the middle of the pause on each side and to the recording.
        int padding = ToSamples(_options.Padding, sampleRate, MidpointRounding.AwayFromZero, minimum: 0);
        var spans = new List<SpeechSpan>(raw.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            int lowerLimit = i == 0 ? 0 : PauseMiddle(raw[i - 1].End, raw[i].Start);
            int upperLimit = i == raw.Count - 1 ? envelope.SampleCount : PauseMiddle(raw[i].End, raw[i + 1].Start);
            int paddedStart = (int)Math.Max(lowerLimit, (long)raw[i].Start - padding);
            int paddedEnd = (int)Math.Min(upperLimit, (long)raw[i].End + padding);
            spans.Add(new SpeechSpan(raw[i].Start, raw[i].End, paddedStart, paddedEnd));
        }

        return spans;
    }

    private static bool IsLoud(float energy, double threshold) => energy > 0 && energy >= threshold;

    private static int PauseMiddle(int pauseStart, int pauseEnd) => pauseStart + ((pauseEnd - pauseStart) / 2);

    /// <summary>Chooses the cuts, segment by segment from the start (see the class remarks for the rules).</summary>
    private static AudioSegment[] Plan(
        List<SpeechSpan> spans, EnergyEnvelope envelope, int minSegment, int maxSegment, int sampleRate)
    {
        var segments = new List<AudioSegment>();

        // Pause lengths are known to a hop at either end; pauses this close count as equally long.
        long pauseTolerance = 2L * envelope.Hop;
        int last = spans.Count - 1;
        int finalEnd = spans[last].PaddedEnd;
        int span = 0;
        int position = spans[0].PaddedStart;

        while (true)
        {
            if ((long)finalEnd - position <= maxSegment)
            {
                segments.Add(new AudioSegment(position, finalEnd - position, sampleRate));
                break;
            }

            // Rule 1: a pause that ends a segment of acceptable length; the longest, preferring a long enough rest.
            int lastEarly = -1;
            int firstCandidate = -1;
            int lastCandidate = -1;
            bool anyRestLongEnough = false;
            for (int j = span; j < last && (long)spans[j].PaddedEnd - position <= maxSegment; j++)
            {
                if (spans[j].PaddedEnd - position < minSegment)
                {
                    lastEarly = j;
                    continue;
                }

                firstCandidate = firstCandidate < 0 ? j : firstCandidate;
                lastCandidate = j;
                anyRestLongEnough |= RestLength(spans, j) >= minSegment;
            }

            int pause = firstCandidate < 0
                ? -1
                : LongestPause(spans, firstCandidate, lastCandidate, anyRestLongEnough ? minSegment : 0, pauseTolerance);
            if (pause < 0 && lastEarly >= 0)
            {
                // Rule 2: the speech after the last early pause runs past MaxSegment; take that pause (a short
                // segment) unless the speech after it needs a cut inside it anyway.
                SpeechSpan next = spans[lastEarly + 1];
                bool nextFitsAlone = (long)next.PaddedEnd - next.PaddedStart <= maxSegment;
                bool noRoomToCut = (long)next.PaddedStart > (long)position + maxSegment;
                if (nextFitsAlone || noRoomToCut)
                {
                    pause = lastEarly;
                }
            }

            if (pause >= 0)
            {
                segments.Add(new AudioSegment(position, spans[pause].PaddedEnd - position, sampleRate));
                span = pause + 1;
                position = spans[span].PaddedStart;
                continue;
            }

            // Rule 3: cut inside the span that runs past the MaxSegment mark, at its quietest frame, but late enough
            // that the rest of the span still needs no more pieces than it must.
            span = lastEarly + 1 > span ? lastEarly + 1 : span;
            long spanEnd = spans[span].PaddedEnd;
            long pieces = (spanEnd - position + maxSegment - 1) / maxSegment;
            long low = Math.Max(Math.Max((long)position + minSegment, spans[span].PaddedStart), spanEnd - ((pieces - 1) * maxSegment));
            long high = Math.Min((long)position + maxSegment, spanEnd);
            low = Math.Min(low, high);
            if ((long)finalEnd - minSegment >= low)
            {
                high = Math.Min(high, (long)finalEnd - minSegment);
            }

            int cut = QuietestPoint(envelope, (int)low, (int)high);
            segments.Add(new AudioSegment(position, cut - position, sampleRate));
            position = Math.Max(cut, spans[span].PaddedStart);
        }

        return [.. segments];
    }

    private static long PauseLength(List<SpeechSpan> spans, int before) => (long)spans[before + 1].Start - spans[before].End;

    /// <summary>The speech left after a cut at the pause after span <paramref name="before"/>, padding included.</summary>
    private static long RestLength(List<SpeechSpan> spans, int before) => (long)spans[^1].PaddedEnd - spans[before + 1].PaddedStart;

    /// <summary>
    /// Returns the latest of the pauses after spans <paramref name="first"/>..<paramref name="last"/> that leave at
    /// least <paramref name="minRest"/> after them and are within <paramref name="tolerance"/> of the longest such pause.
    /// </summary>
    private static int LongestPause(List<SpeechSpan> spans, int first, int last, long minRest, long tolerance)
    {
        long longest = long.MinValue;
        for (int j = first; j <= last; j++)
        {
            if (RestLength(spans, j) >= minRest)
            {
                longest = Math.Max(longest, PauseLength(spans, j));
            }
        }

        for (int j = last; j >= first; j--)
        {
            if (RestLength(spans, j) >= minRest && PauseLength(spans, j) >= longest - tolerance)
            {
                return j;
            }
        }

        return -1;
    }

    /// <summary>Returns the centre of the quietest frame centred in [low, high] (the latest on ties), or high if none is.</summary>
    private static int QuietestPoint(EnergyEnvelope envelope, int low, int high)
    {
        ReadOnlySpan<float> energies = envelope.Energies;
        int first = Math.Max(0, (low - (envelope.FrameLength / 2) + envelope.Hop - 1) / envelope.Hop);
        int cut = high;
        float quietest = float.PositiveInfinity;
        for (int f = first; f < energies.Length; f++)
        {
            int centre = envelope.FrameCentre(f);
            if (centre > high)
            {
                break;
            }

            if (centre >= low && energies[f] <= quietest)
            {
                quietest = energies[f];
                cut = centre;
            }
        }

        return cut;
    }
}
