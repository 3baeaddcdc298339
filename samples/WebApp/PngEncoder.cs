using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace LeWm.Samples.WebApp;

/// <summary>
/// Encodes 8-bit RGB pixels as a PNG file: the signature, <c>IHDR</c>, one zlib-compressed <c>IDAT</c> (every row
/// with filter 0) and <c>IEND</c>, each chunk closed by its CRC-32.
/// </summary>
internal static class PngEncoder
{
    /// <summary>The widest or tallest image encoded, in pixels.</summary>
    public const int MaxSide = 16_384;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes an RGB image.</summary>
    /// <param name="rgb">The pixels, row by row from the top, three bytes (red, green, blue) each.</param>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is not in [1, <see cref="MaxSide"/>].</exception>
    /// <exception cref="ArgumentException"><paramref name="rgb"/> does not hold <c>width × height × 3</c> bytes.</exception>
    public static byte[] EncodeRgb(ReadOnlySpan<byte> rgb, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);
        int stride = width * 3;
        if (rgb.Length != stride * height)
        {
            throw new ArgumentException($"A {width} × {height} RGB image needs {stride * height} bytes (got {rgb.Length}).", nameof(rgb));
        }

        using var file = new MemoryStream();
        file.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;   // bits per channel
        header[9] = 2;   // colour type: RGB
        header[10] = 0;  // compression: deflate
        header[11] = 0;  // filter method: adaptive (each row says its filter)
        header[12] = 0;  // no interlace
        WriteChunk(file, "IHDR"u8, header);

        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter type None
                zlib.Write(rgb.Slice(y * stride, stride));
            }
        }

        WriteChunk(file, "IDAT"u8, pixels.GetBuffer().AsSpan(0, (int)pixels.Length));
        WriteChunk(file, "IEND"u8, []);
        return file.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);

        // The CRC covers the chunk type and data, not the length.
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
