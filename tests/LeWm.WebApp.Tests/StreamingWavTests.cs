using System.Buffers.Binary;
using LeWm.Audio.Wav;
using LeWm.Samples.WebApp;

namespace LeWm.WebApp.Tests;

public sealed class StreamingWavTests
{
    [Fact]
    public void Header_24kHz_Describes16BitMonoPcmOfUnknownLength()
    {
        byte[] h = StreamingWav.Header(24_000);

        Assert.Equal(StreamingWav.HeaderBytes, h.Length);
        Assert.Equal("RIFF"u8.ToArray(), h[..4]);
        Assert.Equal("WAVE"u8.ToArray(), h[8..12]);
        Assert.Equal("fmt "u8.ToArray(), h[12..16]);
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(h.AsSpan(20)));      // PCM
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(h.AsSpan(22)));      // mono
        Assert.Equal(24_000, BinaryPrimitives.ReadInt32LittleEndian(h.AsSpan(24)));
        Assert.Equal(48_000, BinaryPrimitives.ReadInt32LittleEndian(h.AsSpan(28)));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(h.AsSpan(34)));
        Assert.Equal("data"u8.ToArray(), h[36..40]);
        uint data = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(40));
        Assert.Equal(uint.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(4)));
        Assert.Equal(uint.MaxValue - 36, data);
    }

    [Fact]
    public void ToPcm16_Samples_MatchLeWmAudioWavWriter()
    {
        float[] samples = [0f, 0.5f, -0.5f, 1f, -1f, 1.5f, -2f, float.NaN, 0.123f];
        byte[] pcm = new byte[samples.Length * 2];

        StreamingWav.ToPcm16(samples, pcm);

        byte[] reference = WavWriter.Encode(samples, 24_000, WavSampleFormat.Pcm16);
        Assert.Equal(reference[^pcm.Length..], pcm);
    }

    [Fact]
    public void ToPcm16_ShortDestination_Throws() =>
        Assert.Throws<ArgumentException>(() => StreamingWav.ToPcm16(new float[4], new byte[7]));
}
