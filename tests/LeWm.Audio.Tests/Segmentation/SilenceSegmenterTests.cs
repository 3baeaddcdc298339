using LeWm.Audio.Segmentation;

namespace LeWm.Audio.Tests.Segmentation;

public sealed class SilenceSegmenterTests
{
    private const int SampleRate = 16_000;

    // The speech found by the envelope may run up to one 25 ms frame past a burst's edges.
    private static readonly int s_frameSlack = SampleRate * 25 / 1000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Split_SixtySecondsOfSentencesWithHalfSecondPauses_CutsOnlyInPausesIntoThreeToTwelveSeconds(int seed)
    {
        SyntheticSpeech speech = new SyntheticSpeech(SampleRate, seed).Silence(0.7).SentencesUntil(60, 0.5).Silence(0.8);
        AudioClip clip = speech.ToClip();

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(clip);

        Assert.True(segments.Count >= 5, $"Only {segments.Count} segments.");
        foreach (AudioSegment segment in segments)
        {
            Assert.InRange(segment.Duration.TotalSeconds, 3.0, 12.0);
        }

        AssertOrderedAndDisjoint(segments);
        IReadOnlyList<(int Start, int End)> sentences = speech.Sentences;
        for (int i = 0; i + 1 < segments.Count; i++)
        {
            // Both sides of every cut lie in one pause between two consecutive sentences.
            int k = IndexOfLastSentenceBefore(sentences, segments[i].End);
            Assert.True(k >= 0 && k + 1 < sentences.Count, $"Cut {i} at sample {segments[i].End} is not after a sentence.");
            Assert.InRange(segments[i].End, sentences[k].End, sentences[k + 1].Start);
            Assert.InRange(segments[i + 1].Start, sentences[k].End, sentences[k + 1].Start);
        }

        foreach ((int start, int end) in sentences)
        {
            Assert.Contains(segments, segment => segment.Start <= start && end <= segment.End);
        }
    }

    [Fact]
    public void Split_LeadingAndTrailingSilence_TrimsToSpeechPlusPadding()
    {
        SyntheticSpeech speech = new SyntheticSpeech(SampleRate, seed: 4).Silence(2).SentencesUntil(20, 0.5).Silence(3);

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(speech.ToClip());

        int padding = SampleRate / 10;
        int firstSpeech = speech.Sentences[0].Start;
        int lastSpeech = speech.Sentences[^1].End;
        Assert.InRange(segments[0].Start, firstSpeech - padding - s_frameSlack, firstSpeech);
        Assert.InRange(segments[^1].End, lastSpeech, lastSpeech + padding + s_frameSlack);
    }

    [Fact]
    public void Split_ContinuousSpeechLongerThanMax_CutsIntoPiecesNoLongerThanMax()
    {
        SyntheticSpeech speech = new SyntheticSpeech(SampleRate, seed: 5).Silence(0.5).Sentence(30).Silence(0.5);

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(speech.ToClip());

        Assert.Equal(3, segments.Count);
        foreach (AudioSegment segment in segments)
        {
            Assert.InRange(segment.Duration.TotalSeconds, 3.0, 12.0);
        }

        for (int i = 0; i + 1 < segments.Count; i++)
        {
            Assert.Equal(segments[i].End, segments[i + 1].Start);
        }

        (int start, int end) = speech.Sentences[0];
        Assert.True(segments[0].Start <= start && end <= segments[^1].End, "Speech was dropped.");
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    public void Split_RandomSentencesShorterThanMax_NeverCutsInsideSpeech(int seed)
    {
        var random = new Random(seed);
        var speech = new SyntheticSpeech(8000, seed);
        speech.Silence(random.NextDouble());
        while (speech.Seconds < 90)
        {
            speech.Sentence(0.3 + (10 * random.NextDouble())).Silence(0.3 + (2 * random.NextDouble()));
        }

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(speech.ToClip());

        AssertOrderedAndDisjoint(segments);
        Assert.All(segments, segment => Assert.True(segment.Duration <= TimeSpan.FromSeconds(12)));
        int slack = 8000 * 25 / 1000;
        foreach (AudioSegment segment in segments)
        {
            foreach ((int start, int end) in speech.Sentences)
            {
                Assert.False(segment.Start > start + slack && segment.Start < end - slack, $"A segment starts inside speech at {segment.StartTime}.");
                Assert.False(segment.End > start + slack && segment.End < end - slack, $"A segment ends inside speech at {segment.EndTime}.");
            }
        }

        AssertCoversSpeech(segments, speech.Sentences, slack);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    [InlineData(35)]
    public void Split_RandomSentencesAndOptions_KeepsSegmentsWithinMaxAndLosesNoSpeech(int seed)
    {
        var random = new Random(seed);
        var speech = new SyntheticSpeech(8000, seed);
        speech.Silence(random.NextDouble());
        while (speech.Seconds < 90)
        {
            speech.Sentence(0.2 + (25 * Math.Pow(random.NextDouble(), 3))).Silence(0.05 + (3 * Math.Pow(random.NextDouble(), 2)));
        }

        double min = 0.5 + (4 * random.NextDouble());
        var options = new SegmenterOptions
        {
            MinSegment = TimeSpan.FromSeconds(min),
            MaxSegment = TimeSpan.FromSeconds(min + 0.5 + (10 * random.NextDouble())),
            MinPause = TimeSpan.FromSeconds(0.1 + (0.4 * random.NextDouble())),
            Padding = TimeSpan.FromSeconds(0.3 * random.NextDouble()),
        };

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter(options).Split(speech.ToClip());

        AssertOrderedAndDisjoint(segments);
        Assert.All(segments, segment => Assert.InRange(segment.Duration, TimeSpan.FromTicks(1), options.MaxSegment));
        AssertCoversSpeech(segments, speech.Sentences, 8000 * 25 / 1000);
    }

    [Fact]
    public void Split_LongSpeechWithQuietStretch_CutsAtQuietestPoint()
    {
        // 20 s with no pause, but 26 dB quieter for 60 ms at 8 s: still speech (above −40 dB), the best place to cut.
        SyntheticSpeech speech = new SyntheticSpeech(SampleRate, seed: 6)
            .Sentence(20, modulated: false, dip: (At: 8.0, Seconds: 0.06, Gain: 0.05));

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(speech.ToClip());

        Assert.Equal(2, segments.Count);
        Assert.InRange(segments[0].EndTime.TotalSeconds, 8.0, 8.06);
        Assert.Equal(segments[0].End, segments[1].Start);
    }

    [Fact]
    public void Split_SeveralPausesInWindow_CutsAtLongestPause()
    {
        SyntheticSpeech speech = new SyntheticSpeech(SampleRate, seed: 7)
            .Silence(0.5).Sentence(4).Silence(0.3).Sentence(2).Silence(1.0).Sentence(3).Silence(0.3).Sentence(5).Silence(0.5);

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(speech.ToClip());

        Assert.Equal(2, segments.Count);
        Assert.InRange(segments[0].End, speech.Sentences[1].End, speech.Sentences[2].Start);
        Assert.InRange(segments[1].Start, speech.Sentences[1].End, speech.Sentences[2].Start);
    }

    [Fact]
    public void Split_OnlyPauseLeavesShortSegment_PrefersShortSegmentToCutInSpeech()
    {
        // 1 s, a pause, then 11.5 s of unbroken speech: 13 s is too long for one segment, and the only pause
        // leaves a 1 s segment; cutting there is preferred to cutting inside speech.
        SyntheticSpeech speech = new SyntheticSpeech(SampleRate, seed: 8)
            .Silence(0.5).Sentence(1).Silence(0.5).Sentence(11.5).Silence(0.5);

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(speech.ToClip());

        Assert.Equal(2, segments.Count);
        Assert.True(segments[0].Duration < TimeSpan.FromSeconds(3));
        Assert.InRange(segments[0].End, speech.Sentences[0].End, speech.Sentences[1].Start);
        Assert.InRange(segments[1].Start, speech.Sentences[0].End, speech.Sentences[1].Start);
    }

    [Fact]
    public void Split_ShortRecording_ReturnsOneSegment()
    {
        SyntheticSpeech speech = new SyntheticSpeech(SampleRate, seed: 9).Silence(0.5).Sentence(2).Silence(0.5);

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(speech.ToClip());

        AudioSegment segment = Assert.Single(segments);
        (int start, int end) = speech.Sentences[0];
        Assert.InRange(segment.Start, start - (SampleRate / 10) - s_frameSlack, start);
        Assert.InRange(segment.End, end, end + (SampleRate / 10) + s_frameSlack);
    }

    [Fact]
    public void Split_PausesButSpeechShorterThanMax_ReturnsOneSegment()
    {
        SyntheticSpeech speech = new SyntheticSpeech(SampleRate, seed: 10)
            .Silence(0.5).Sentence(3).Silence(1).Sentence(4).Silence(0.5);

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(speech.ToClip());

        AudioSegment segment = Assert.Single(segments);
        Assert.True(segment.Start <= speech.Sentences[0].Start && speech.Sentences[1].End <= segment.End);
    }

    [Fact]
    public void Split_DigitalSilence_ReturnsNoSegments()
    {
        var clip = new AudioClip(new float[10 * SampleRate], SampleRate);

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(clip);

        Assert.Empty(segments);
    }

    [Fact]
    public void Split_LowNoiseOnly_ReturnsNoSegments()
    {
        AudioClip clip = new SyntheticSpeech(SampleRate, seed: 11).Silence(10).ToClip();

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(clip);

        Assert.Empty(segments);
    }

    [Fact]
    public void Split_EmptySamples_ReturnsNoSegments()
    {
        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter().Split(ReadOnlySpan<float>.Empty, SampleRate);

        Assert.Empty(segments);
    }

    [Fact]
    public void Split_Clip_EqualsSpanOverload()
    {
        AudioClip clip = new SyntheticSpeech(SampleRate, seed: 12).Silence(0.3).SentencesUntil(25, 0.4).ToClip();
        var segmenter = new SilenceSegmenter();

        IReadOnlyList<AudioSegment> fromClip = segmenter.Split(clip);
        IReadOnlyList<AudioSegment> fromSpan = segmenter.Split(clip.Samples.Span, clip.SampleRate);

        Assert.Equal(fromClip, fromSpan);
        Assert.All(fromClip, segment => Assert.Equal(SampleRate, segment.SampleRate));
    }

    [Fact]
    public void Split_CustomLengths_KeepsSegmentsWithinThem()
    {
        AudioClip clip = new SyntheticSpeech(SampleRate, seed: 13).Silence(0.5).SentencesUntil(60, 0.5).ToClip();
        var options = new SegmenterOptions { MinSegment = TimeSpan.FromSeconds(5), MaxSegment = TimeSpan.FromSeconds(8) };

        IReadOnlyList<AudioSegment> segments = new SilenceSegmenter(options).Split(clip);

        Assert.All(segments, segment => Assert.InRange(segment.Duration.TotalSeconds, 5.0, 8.0));
    }

    [Fact]
    public void Split_NullClip_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new SilenceSegmenter().Split(null!));
    }

    [Fact]
    public void Split_NonPositiveSampleRate_ThrowsArgumentOutOfRange()
    {
        float[] samples = new float[100];

        Assert.Throws<ArgumentOutOfRangeException>(() => new SilenceSegmenter().Split(samples, 0));
    }

    [Fact]
    public void Split_NonFiniteSample_ThrowsAudioFormatException()
    {
        float[] samples = new float[100];
        samples[3] = float.PositiveInfinity;

        Assert.Throws<AudioFormatException>(() => new SilenceSegmenter().Split(samples, SampleRate));
    }

    [Fact]
    public void Constructor_NullOptions_UsesDefaults()
    {
        var segmenter = new SilenceSegmenter();

        Assert.Equal(new SegmenterOptions(), segmenter.Options);
        Assert.Equal(TimeSpan.FromSeconds(3), segmenter.Options.MinSegment);
        Assert.Equal(TimeSpan.FromSeconds(12), segmenter.Options.MaxSegment);
    }

    [Fact]
    public void Constructor_SeveralInvalidOptions_ReportsAllInOneArgumentException()
    {
        var options = new SegmenterOptions
        {
            MinSegment = TimeSpan.FromSeconds(12),
            MaxSegment = TimeSpan.FromSeconds(3),
            SilenceThresholdDb = 6,
            MinPause = TimeSpan.Zero,
            Padding = TimeSpan.FromSeconds(-1),
        };

        ArgumentException exception = Assert.Throws<ArgumentException>(() => new SilenceSegmenter(options));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains(nameof(SegmenterOptions.MaxSegment), exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SegmenterOptions.SilenceThresholdDb), exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SegmenterOptions.MinPause), exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SegmenterOptions.Padding), exception.Message, StringComparison.Ordinal);
    }

    public static TheoryData<SegmenterOptions, string> InvalidOptions => new()
    {
        { new SegmenterOptions { MinSegment = TimeSpan.Zero }, nameof(SegmenterOptions.MinSegment) },
        { new SegmenterOptions { MaxSegment = TimeSpan.FromSeconds(3) }, nameof(SegmenterOptions.MaxSegment) },
        { new SegmenterOptions { SilenceThresholdDb = double.NaN }, nameof(SegmenterOptions.SilenceThresholdDb) },
        { new SegmenterOptions { AbsoluteThresholdDb = 3 }, nameof(SegmenterOptions.AbsoluteThresholdDb) },
        { new SegmenterOptions { MinPause = TimeSpan.FromSeconds(-0.2) }, nameof(SegmenterOptions.MinPause) },
        { new SegmenterOptions { FrameLength = TimeSpan.Zero }, nameof(SegmenterOptions.FrameLength) },
        { new SegmenterOptions { FrameLength = TimeSpan.FromSeconds(0.5) }, nameof(SegmenterOptions.FrameLength) },
        { new SegmenterOptions { FrameHop = TimeSpan.FromMilliseconds(30) }, nameof(SegmenterOptions.FrameHop) },
        { new SegmenterOptions { Padding = TimeSpan.FromSeconds(-0.1) }, nameof(SegmenterOptions.Padding) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Constructor_InvalidOption_ThrowsArgumentExceptionNamingIt(SegmenterOptions options, string property)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => new SilenceSegmenter(options));

        Assert.Contains(property, exception.Message, StringComparison.Ordinal);
    }

    private static void AssertOrderedAndDisjoint(IReadOnlyList<AudioSegment> segments)
    {
        for (int i = 0; i + 1 < segments.Count; i++)
        {
            Assert.True(segments[i].End <= segments[i + 1].Start, $"Segments {i} and {i + 1} overlap.");
        }
    }

    /// <summary>Asserts that the segments together hold every sentence, but for <paramref name="slack"/> at its edges.</summary>
    private static void AssertCoversSpeech(IReadOnlyList<AudioSegment> segments, IReadOnlyList<(int Start, int End)> sentences, int slack)
    {
        foreach ((int start, int end) in sentences)
        {
            int covered = start + slack;
            foreach (AudioSegment segment in segments)
            {
                if (segment.Start <= covered && segment.End > covered)
                {
                    covered = segment.End;
                }
            }

            Assert.True(covered >= end - slack, $"Speech from sample {covered} to {end} is in no segment.");
        }
    }

    private static int IndexOfLastSentenceBefore(IReadOnlyList<(int Start, int End)> sentences, int sample)
    {
        int index = -1;
        for (int k = 0; k < sentences.Count && sentences[k].End <= sample; k++)
        {
            index = k;
        }

        return index;
    }
}
