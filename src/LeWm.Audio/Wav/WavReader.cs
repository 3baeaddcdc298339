using System.Buffers.Binary;
using System.Text;

namespace LeWm.Audio.Wav;

/// <summary>
/// Reads RIFF/WAVE files: 8-bit unsigned, 16/24/32-bit signed integer PCM, 32/64-bit IEEE float, plain or
/// <c>WAVE_FORMAT_EXTENSIBLE</c>, at any sample rate and channel count. Channels are averaged to mono.
/// </summary>
/// <remarks>
/// Integer samples are scaled by 1 / 2^(bits − 1) (8-bit: (v − 128) / 128), so full scale maps to [-1, 1).
/// Unknown chunks are skipped. A file whose data chunk is shorter than its header declares is refused as
/// truncated rather than silently shortened. Thread-safe (stateless).
/// </remarks>
public static class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatIeeeFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Reads the WAV file at <paramref name="path"/> as a mono clip.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The audio, channels averaged, at the file's sample rate.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="AudioFormatException">The file is not a WAV file this reader supports, or is truncated.</exception>
    public static AudioClip Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The audio file '{path}' does not exist.", path);
        }

        using FileStream stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a WAV stream as a mono clip. The stream is read from its current position and not disposed.</summary>
    /// <param name="stream">A readable stream positioned at the RIFF header.</param>
    /// <returns>The audio, channels averaged, at the stream's sample rate.</returns>
    /// <exception cref="AudioFormatException">The data is not a WAV stream this reader supports, or is truncated.</exception>
    public static AudioClip Read(Stream stream) => Read(stream, "the stream");

    private static AudioClip Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        if (ReadFully(stream, header) < 12
            || !header[..4].SequenceEqual("RIFF"u8)
            || !header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException($"{Describe(source)} is not a WAV file (no RIFF/WAVE header).");
        }

        WavFormat? format = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            int got = ReadFully(stream, chunkHeader);
            if (got == 0)
            {
                throw new AudioFormatException(format is null
                    ? $"{Describe(source)} has no 'fmt ' chunk."
                    : $"{Describe(source)} has no 'data' chunk.");
            }

            if (got < 8)
            {
                throw new AudioFormatException($"{Describe(source)} is truncated inside a chunk header.");
            }

            string id = Encoding.ASCII.GetString(chunkHeader[..4]);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id == "fmt ")
            {
                format = ReadFormat(stream, size, source);
            }
            else if (id == "data")
            {
                if (format is null)
                {
                    throw new AudioFormatException($"{Describe(source)} has its 'data' chunk before the 'fmt ' chunk.");
                }

                return ReadData(stream, size, format.Value, source);
            }
            else
            {
                Skip(stream, size + (size & 1), source, id);
            }
        }
    }

    private static WavFormat ReadFormat(Stream stream, uint size, string source)
    {
        if (size < 16 || size > 1024)
        {
            throw new AudioFormatException($"{Describe(source)} has a 'fmt ' chunk of {size} bytes; expected 16 to 40.");
        }

        byte[] buffer = new byte[size + (size & 1)];
        if (ReadFully(stream, buffer) < size)
        {
            throw new AudioFormatException($"{Describe(source)} is truncated inside its 'fmt ' chunk.");
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(buffer);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(2));
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(4));
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(12));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(14));

        if (tag == FormatExtensible)
        {
            if (size < 40)
            {
                throw new AudioFormatException($"{Describe(source)} is WAVE_FORMAT_EXTENSIBLE but its 'fmt ' chunk has only {size} bytes (40 needed).");
            }

            // The sub-format GUID starts with the plain format tag (KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT).
            tag = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(24));
            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(18));
            if (validBits != 0 && validBits > bits)
            {
                throw new AudioFormatException($"{Describe(source)} declares {validBits} valid bits in a {bits}-bit container.");
            }
        }

        if (channels == 0)
        {
            throw new AudioFormatException($"{Describe(source)} declares zero channels.");
        }

        if (sampleRate == 0 || sampleRate > 1_000_000)
        {
            throw new AudioFormatException($"{Describe(source)} declares a sample rate of {sampleRate} Hz.");
        }

        bool supported = tag switch
        {
            FormatPcm => bits is 8 or 16 or 24 or 32,
            FormatIeeeFloat => bits is 32 or 64,
            _ => false,
        };
        if (!supported)
        {
            string kind = tag switch
            {
                FormatPcm => "integer PCM",
                FormatIeeeFloat => "IEEE float",
                _ => $"format tag 0x{tag:X4}",
            };
            throw new AudioFormatException(
                $"{Describe(source)} uses {bits}-bit {kind}; supported are 8/16/24/32-bit integer PCM and 32/64-bit float.");
        }

        if (blockAlign != channels * (bits / 8))
        {
            throw new AudioFormatException(
                $"{Describe(source)} declares a block size of {blockAlign} bytes; {channels} channel(s) of {bits} bits need {channels * (bits / 8)}.");
        }

        return new WavFormat(tag == FormatIeeeFloat, channels, (int)sampleRate, bits);
    }

    private static AudioClip ReadData(Stream stream, uint size, WavFormat format, string source)
    {
        int bytesPerSample = format.BitsPerSample / 8;
        int blockAlign = bytesPerSample * format.Channels;

        // A streaming writer may leave the size at 0 or 0xFFFFFFFF; then the data runs to the end of the stream.
        bool open = size is 0 or uint.MaxValue;
        long declared = open ? long.MaxValue : size;
        if (!open && stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (available < declared)
            {
                throw new AudioFormatException(
                    $"{Describe(source)} is truncated: its header declares {declared} bytes of audio but only {available} follow.");
            }
        }

        if (declared != long.MaxValue && declared > int.MaxValue)
        {
            throw new AudioFormatException($"{Describe(source)} declares {declared} bytes of audio; at most {int.MaxValue} are supported.");
        }

        byte[] data = ReadAll(stream, declared);
        if (!open && data.Length < declared)
        {
            throw new AudioFormatException(
                $"{Describe(source)} is truncated: its header declares {declared} bytes of audio but only {data.Length} follow.");
        }

        int frames = data.Length / blockAlign;
        var mono = new float[frames];
        ReadOnlySpan<byte> bytes = data;
        float channelScale = 1f / format.Channels;
        for (int i = 0; i < frames; i++)
        {
            ReadOnlySpan<byte> frame = bytes.Slice(i * blockAlign, blockAlign);
            float sum = 0;
            for (int c = 0; c < format.Channels; c++)
            {
                sum += Decode(frame.Slice(c * bytesPerSample, bytesPerSample), format);
            }

            mono[i] = format.Channels == 1 ? sum : sum * channelScale;
        }

        return new AudioClip(mono, format.SampleRate);
    }

    private static float Decode(ReadOnlySpan<byte> s, WavFormat format)
    {
        if (format.IsFloat)
        {
            return format.BitsPerSample == 32
                ? BinaryPrimitives.ReadSingleLittleEndian(s)
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(s);
        }

        return format.BitsPerSample switch
        {
            8 => (s[0] - 128) / 128f,
            16 => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
            24 => ((s[0] | (s[1] << 8) | ((sbyte)s[2] << 16)) / 8388608f),
            _ => (float)(BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648.0),
        };
    }

    private static byte[] ReadAll(Stream stream, long limit)
    {
        if (limit != long.MaxValue)
        {
            var buffer = new byte[limit];
            int got = ReadFully(stream, buffer);
            return got == buffer.Length ? buffer : buffer.AsSpan(0, got).ToArray();
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void Skip(Stream stream, long count, string source, string chunk)
    {
        if (stream.CanSeek)
        {
            if (stream.Position + count > stream.Length)
            {
                throw new AudioFormatException($"{Describe(source)} is truncated inside its '{chunk.Trim()}' chunk.");
            }

            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[4096];
        while (count > 0)
        {
            int got = stream.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (got == 0)
            {
                throw new AudioFormatException($"{Describe(source)} is truncated inside its '{chunk.Trim()}' chunk.");
            }

            count -= got;
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int got = stream.Read(buffer[total..]);
            if (got == 0)
            {
                break;
            }

            total += got;
        }

        return total;
    }

    private static string Describe(string source) => source == "the stream" ? "The stream" : $"'{source}'";

    private readonly record struct WavFormat(bool IsFloat, int Channels, int SampleRate, int BitsPerSample);
}
