using LeWm.Audio.Segmentation;

namespace LeWm.Audio.Tests.Segmentation;

public sealed class AudioSegmentTests
{
    [Fact]
    public void Constructor_SamplesAndRate_GivesTimes()
    {
        var segment = new AudioSegment(start: 24_000, length: 36_000, sampleRate: 24_000);

        Assert.Equal(60_000, segment.End);
        Assert.Equal(TimeSpan.FromSeconds(1), segment.StartTime);
        Assert.Equal(TimeSpan.FromSeconds(2.5), segment.EndTime);
        Assert.Equal(TimeSpan.FromSeconds(1.5), segment.Duration);
    }

    [Theory]
    [InlineData(-1, 10, 24_000)]
    [InlineData(0, -10, 24_000)]
    [InlineData(10, int.MaxValue, 24_000)]
    [InlineData(0, 10, 0)]
    public void Constructor_InvalidArgument_ThrowsArgumentOutOfRange(int start, int length, int sampleRate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioSegment(start, length, sampleRate));
    }

    [Fact]
    public void Equals_SameValues_IsTrue()
    {
        Assert.Equal(new AudioSegment(5, 10, 16_000), new AudioSegment(5, 10, 16_000));
        Assert.NotEqual(new AudioSegment(5, 10, 16_000), new AudioSegment(5, 10, 24_000));
    }
}
