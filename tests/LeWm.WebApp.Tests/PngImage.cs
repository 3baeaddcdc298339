using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace LeWm.WebApp.Tests;

/// <summary>
/// A test-side reader of the PNG files the app writes (8-bit RGB, no interlace, every row filter 0): it checks the
/// signature, every chunk's CRC-32 and the chunk order, and inflates the pixels.
/// </summary>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="Rgb">Three bytes per pixel, rows from the top.</param>
/// <param name="ChunkTypes">The chunk types in file order.</param>
internal sealed record PngImage(int Width, int Height, byte[] Rgb, IReadOnlyList<string> ChunkTypes)
{
    private static readonly byte[] s_signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Reads a PNG file.</summary>
    /// <param name="file">The bytes.</param>
    /// <returns>The image.</returns>
    /// <exception cref="InvalidDataException">Something in the file is not what the app writes or not valid PNG.</exception>
    public static PngImage Read(byte[] file)
    {
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(s_signature))
        {
            throw new InvalidDataException("No PNG signature.");
        }

        var types = new List<string>();
        using var idat = new MemoryStream();
        int width = 0, height = 0, position = 8;
        while (position < file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(position));
            ReadOnlySpan<byte> typeAndData = file.AsSpan(position + 4, 4 + length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(position + 8 + length));
            if (Crc32.HashToUInt32(typeAndData) != stored)
            {
                throw new InvalidDataException($"Chunk {types.Count} has a wrong CRC.");
            }

            string type = System.Text.Encoding.ASCII.GetString(typeAndData[..4]);
            ReadOnlySpan<byte> data = typeAndData[4..];
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[9] != 2 || data[10] != 0 || data[11] != 0 || data[12] != 0)
                {
                    throw new InvalidDataException("Not 8-bit RGB without interlace.");
                }
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            position += 12 + length;
        }

        using var zlib = new ZLibStream(new MemoryStream(idat.ToArray()), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        byte[] rows = raw.ToArray();
        int stride = width * 3;
        if (rows.Length != height * (stride + 1))
        {
            throw new InvalidDataException($"Inflated {rows.Length} bytes; {width} × {height} RGB needs {height * (stride + 1)}.");
        }

        byte[] rgb = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            if (rows[y * (stride + 1)] != 0)
            {
                throw new InvalidDataException($"Row {y} uses filter {rows[y * (stride + 1)]}, not 0.");
            }

            Array.Copy(rows, (y * (stride + 1)) + 1, rgb, y * stride, stride);
        }

        return new PngImage(width, height, rgb, types);
    }

    /// <summary>Gets the pixel at column <paramref name="x"/>, row <paramref name="y"/> (from the top).</summary>
    public (byte R, byte G, byte B) Pixel(int x, int y)
    {
        int offset = ((y * Width) + x) * 3;
        return (Rgb[offset], Rgb[offset + 1], Rgb[offset + 2]);
    }
}
