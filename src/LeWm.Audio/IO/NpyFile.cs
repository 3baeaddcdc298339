using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LeWm.Audio.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files: format version 1.0 when writing (little-endian float32, C order);
/// versions 1.0–3.0 of little-endian float32 or float64 (converted to float32), C order, when reading.
/// </summary>
public static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="data"/> with <paramref name="shape"/> to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="data">The values in C order.</param>
    /// <param name="shape">The dimensions; their product must equal the number of values.</param>
    /// <exception cref="ArgumentException">The shape does not match the data.</exception>
    public static void Write(string path, ReadOnlySpan<float> data, params ReadOnlySpan<int> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        long count = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            count *= d;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"The shape ({string.Join(", ", shape.ToArray())}) holds {count} values; the data has {data.Length}.", nameof(shape));
        }

        string dims = shape.Length == 1
            ? $"{shape[0]},"
            : string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";

        // Header length (magic 6 + version 2 + length 2 + dict + padding + newline) is a multiple of 64.
        int unpadded = 10 + dict.Length + 1;
        int padded = (unpadded + 63) / 64 * 64;
        string header = dict + new string(' ', padded - unpadded) + "\n";

        var bytes = new byte[padded + (data.Length * 4L)];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        Span<byte> body = bytes.AsSpan(padded);
        for (int i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(body[(4 * i)..], data[i]);
        }

        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Reads the <c>.npy</c> file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The values as float32 and the shape.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="LeWmException">The file is not a supported <c>.npy</c> file.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The file '{path}' does not exist.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    private static NpyArray Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
        {
            throw new LeWmException($"'{path}' is not a NumPy .npy file (bad magic).");
        }

        int major = bytes[6];
        int headerLength;
        int offset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
            offset = 10;
        }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12)
            {
                throw new LeWmException($"'{path}' is truncated inside its .npy header.");
            }

            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
            offset = 12;
        }
        else
        {
            throw new LeWmException($"'{path}' is .npy format version {major}; versions 1 to 3 are supported.");
        }

        if (offset + headerLength > bytes.Length)
        {
            throw new LeWmException($"'{path}' is truncated inside its .npy header.");
        }

        string header = Encoding.UTF8.GetString(bytes.Slice(offset, headerLength));
        string descr = HeaderValue(DescrPattern(), header, "descr", path);
        bool fortran = HeaderValue(FortranPattern(), header, "fortran_order", path) == "True";
        string shapeText = HeaderValue(ShapePattern(), header, "shape", path);
        if (fortran)
        {
            throw new LeWmException($"'{path}' is in Fortran order; only C-order arrays are supported.");
        }

        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture))
            .ToArray();
        long count = shape.Aggregate(1L, (a, d) => a * d);

        int width = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new LeWmException($"'{path}' holds dtype '{descr}'; little-endian float32 ('<f4') or float64 ('<f8') is required."),
        };

        ReadOnlySpan<byte> body = bytes[(offset + headerLength)..];
        if (body.Length < count * width)
        {
            throw new LeWmException($"'{path}' is truncated: shape ({shapeText}) needs {count * width} bytes of data, the file holds {body.Length}.");
        }

        var data = new float[count];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = width == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(body[(4 * i)..])
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(body[(8 * i)..]);
        }

        return new NpyArray(data, shape);
    }

    private static string HeaderValue(Regex pattern, string header, string key, string path)
    {
        Match match = pattern.Match(header);
        return match.Success
            ? match.Groups[1].Value
            : throw new LeWmException($"'{path}' has a .npy header without a readable '{key}' entry.");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
