using System.Text;
using LeWm.Audio.Wav;

namespace LeWm.Audio.Tests.Wav;

public sealed class WavReaderTests
{
    // Fixtures written byte by byte by python/fixtures/make_audio_fixtures.py (see Fixtures/README.md).
    [Theory]
    [InlineData("pcm8_mono.wav")]
    [InlineData("pcm16_stereo.wav")]
    [InlineData("pcm24_mono.wav")]
    [InlineData("pcm32_mono.wav")]
    [InlineData("float32_mono.wav")]
    [InlineData("float64_mono.wav")]
    [InlineData("extensible_pcm16_mono.wav")]
    [InlineData("extensible_float32_stereo.wav")]
    [InlineData("pcm16_with_list_chunk.wav")]
    public void Read_FixtureFormat_DecodesToTheExpectedMonoSignal(string file)
    {
        float[] expected = Fixture.Npy("wav", file + ".expected.npy").Data;

        AudioClip clip = WavReader.Read(Fixture.Path("wav", file));

        Assert.Equal(16_000, clip.SampleRate);
        Assert.Equal(expected.Length, clip.Length);
        ReadOnlySpan<float> actual = clip.Samples.Span;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-7, $"sample {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Read_NonSeekableStream_DecodesLikeAFile()
    {
        byte[] bytes = File.ReadAllBytes(Fixture.Path("wav", "pcm16_with_list_chunk.wav"));
        using var stream = new ForwardOnlyStream(bytes);

        AudioClip clip = WavReader.Read(stream);

        Assert.Equal(WavReader.Read(Fixture.Path("wav", "pcm16_with_list_chunk.wav")).Samples.ToArray(), clip.Samples.ToArray());
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => WavReader.Read("/no/such/file.wav"));
        Assert.Contains("/no/such/file.wav", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TextFileNamedWav_ThrowsNotAWavFile()
    {
        string path = Fixture.TempFile(".wav");
        File.WriteAllText(path, "this is not audio, just some text that happens to be long enough");

        var e = Assert.Throws<AudioFormatException>(() => WavReader.Read(path));
        Assert.Contains("not a WAV file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedDataChunk_ThrowsTruncated()
    {
        byte[] bytes = File.ReadAllBytes(Fixture.Path("wav", "pcm24_mono.wav"));
        string path = Fixture.TempFile(".wav");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<AudioFormatException>(() => WavReader.Read(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedNonSeekableStream_ThrowsTruncated()
    {
        byte[] bytes = File.ReadAllBytes(Fixture.Path("wav", "pcm16_stereo.wav"));
        using var stream = new ForwardOnlyStream(bytes[..1000]);

        var e = Assert.Throws<AudioFormatException>(() => WavReader.Read(stream));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ZeroSampleRate_ThrowsNamingTheRate()
    {
        byte[] bytes = File.ReadAllBytes(Fixture.Path("wav", "pcm32_mono.wav"));
        bytes[24] = bytes[25] = bytes[26] = bytes[27] = 0; // fmt sample rate field of a canonical 44-byte header
        string path = Fixture.TempFile(".wav");
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<AudioFormatException>(() => WavReader.Read(path));
        Assert.Contains("sample rate of 0 Hz", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnsupportedEncoding_ThrowsNamingTheFormat()
    {
        byte[] bytes = File.ReadAllBytes(Fixture.Path("wav", "pcm16_stereo.wav"));
        bytes[20] = 2; // ADPCM
        using var stream = new MemoryStream(bytes);

        var e = Assert.Throws<AudioFormatException>(() => WavReader.Read(stream));
        Assert.Contains("0x0002", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderOnly_ThrowsNoDataChunk()
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes("RIFF\0\0\0\0WAVE"));
        var e = Assert.Throws<AudioFormatException>(() => WavReader.Read(stream));
        Assert.Contains("'fmt '", e.Message, StringComparison.Ordinal);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Length => throw new NotSupportedException();
    }
}
