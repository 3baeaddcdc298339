using System.Buffers.Binary;
using LeWm.Audio.IO;

namespace LeWm.Audio.Wav;

/// <summary>Writes mono WAV files as 16-bit PCM or 32-bit float.</summary>
/// <remarks>Files are written atomically (temporary file, then rename). Thread-safe (stateless).</remarks>
public static class WavWriter
{
    /// <summary>Writes <paramref name="clip"/> to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="clip">The audio.</param>
    /// <param name="format">The sample encoding; 16-bit PCM by default.</param>
    public static void Write(string path, AudioClip clip, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentNullException.ThrowIfNull(clip);
        Write(path, clip.Samples.Span, clip.SampleRate, format);
    }

    /// <summary>Writes <paramref name="samples"/> at <paramref name="sampleRate"/> Hz to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="samples">Mono samples, nominally in [-1, 1].</param>
    /// <param name="sampleRate">Samples per second, positive.</param>
    /// <param name="format">The sample encoding; 16-bit PCM by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">The sample rate is not positive.</exception>
    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes = Encode(samples, sampleRate, format);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Writes <paramref name="samples"/> as a complete WAV file to <paramref name="stream"/> (not disposed).</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="samples">Mono samples, nominally in [-1, 1].</param>
    /// <param name="sampleRate">Samples per second, positive.</param>
    /// <param name="format">The sample encoding; 16-bit PCM by default.</param>
    public static void Write(Stream stream, ReadOnlySpan<float> samples, int sampleRate, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encode(samples, sampleRate, format));
    }

    /// <summary>Returns a complete WAV file of <paramref name="samples"/> as bytes.</summary>
    /// <param name="samples">Mono samples, nominally in [-1, 1].</param>
    /// <param name="sampleRate">Samples per second, positive.</param>
    /// <param name="format">The sample encoding.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Encode(ReadOnlySpan<float> samples, int sampleRate, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown WAV sample format.");
        }

        int bytesPerSample = format == WavSampleFormat.Pcm16 ? 2 : 4;
        long dataBytes = (long)samples.Length * bytesPerSample;
        if (dataBytes > uint.MaxValue - 44)
        {
            throw new ArgumentException($"{samples.Length} samples do not fit in a WAV file (4 GiB limit).", nameof(samples));
        }

        var bytes = new byte[44 + dataBytes];
        Span<byte> h = bytes;
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(36 + dataBytes));
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], (ushort)(format == WavSampleFormat.Pcm16 ? 1 : 3));
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(sampleRate * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)bytesPerSample);
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], (ushort)(bytesPerSample * 8));
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)dataBytes);

        Span<byte> data = h[44..];
        if (format == WavSampleFormat.Pcm16)
        {
            for (int i = 0; i < samples.Length; i++)
            {
                float v = samples[i];
                float clipped = float.IsNaN(v) ? 0f : Math.Clamp(v, -1f, 1f);
                short s = (short)Math.Clamp(MathF.Round(clipped * 32768f), short.MinValue, short.MaxValue);
                BinaryPrimitives.WriteInt16LittleEndian(data[(2 * i)..], s);
            }
        }
        else
        {
            for (int i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data[(4 * i)..], samples[i]);
            }
        }

        return bytes;
    }
}
