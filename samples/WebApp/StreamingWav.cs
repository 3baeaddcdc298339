using System.Buffers.Binary;

namespace LeWm.Samples.WebApp;

/// <summary>
/// The pieces of a WAV file written while its length is still unknown: a 16-bit PCM mono header whose sizes say
/// "as long as the stream" (the largest values the fields hold), then samples as they come.
/// </summary>
internal static class StreamingWav
{
    /// <summary>The header's length in bytes.</summary>
    public const int HeaderBytes = 44;

    /// <summary>The data size written in the header: the largest that keeps the RIFF size (data + 36) within 32 bits.</summary>
    public const uint UnknownDataBytes = uint.MaxValue - 36;

    /// <summary>Writes the header of a 16-bit PCM mono stream.</summary>
    /// <param name="sampleRate">Samples per second.</param>
    /// <returns>The 44 header bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive.</exception>
    public static byte[] Header(int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        byte[] header = new byte[HeaderBytes];
        Span<byte> h = header;
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], UnknownDataBytes + 36);
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], 16);             // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(h[20..], 1);              // PCM
        BinaryPrimitives.WriteInt16LittleEndian(h[22..], 1);              // mono
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], sampleRate * 2); // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(h[32..], 2);              // bytes per frame
        BinaryPrimitives.WriteInt16LittleEndian(h[34..], 16);             // bits per sample
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], UnknownDataBytes);
        return header;
    }

    /// <summary>Converts samples in [−1, 1] to 16-bit little-endian PCM (clipped; NaN as silence), as LeWm.Audio's WAV writer does.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="destination">Two bytes per sample.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than two bytes per sample.</exception>
    public static void ToPcm16(ReadOnlySpan<float> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length * 2)
        {
            throw new ArgumentException($"{samples.Length} samples need {samples.Length * 2} bytes (got {destination.Length}).", nameof(destination));
        }

        for (int i = 0; i < samples.Length; i++)
        {
            float v = samples[i];
            float clipped = float.IsNaN(v) ? 0f : Math.Clamp(v, -1f, 1f);
            short s = (short)Math.Clamp(MathF.Round(clipped * 32768f), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(destination[(2 * i)..], s);
        }
    }
}
