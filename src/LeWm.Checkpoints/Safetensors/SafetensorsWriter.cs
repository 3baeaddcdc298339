using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using LeWm.Audio.IO;
using TorchSharp;

namespace LeWm.Checkpoints.Safetensors;

/// <summary>
/// Writes safetensors files as the reference implementation reads them: an 8-byte little-endian header length, a
/// UTF-8 JSON header (<c>__metadata__</c> first, then the tensors in ordinal key order, each with <c>dtype</c>,
/// <c>shape</c> and <c>data_offsets</c> relative to the end of the header) padded with spaces to a multiple of 8
/// bytes, then each tensor's bytes, C-contiguous and little-endian, in the same order, with no gaps.
/// </summary>
internal static class SafetensorsWriter
{
    private const int CopyBufferBytes = 1 << 20;

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">A key is reserved, a tensor is null, or a dtype cannot be stored.</exception>
    public static void Write(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        string[] keys = tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        var dtypes = new string[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            string key = keys[i];
            torch.Tensor tensor = tensors[key] ?? throw new ArgumentException($"The tensor for key '{key}' is null.", nameof(tensors));
            if (key == SafetensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            }

            dtypes[i] = SafetensorsDTypes.Name(tensor.dtype)
                ?? throw new ArgumentException($"Tensor '{key}' is {tensor.dtype}, which safetensors files here cannot hold (float64/32/16, bfloat16, int64/32/16/8, uint8 and bool can).", nameof(tensors));
        }

        byte[] header = BuildHeader(keys, dtypes, tensors, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (string key in keys)
            {
                WriteData(stream, tensors[key]);
            }
        });
    }

    private static byte[] BuildHeader(
        string[] keys, string[] dtypes, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (string name in metadata.Keys.Order(StringComparer.Ordinal))
                {
                    json.WriteString(name, metadata[name] ?? throw new ArgumentException($"Metadata '{name}' has a null value.", nameof(metadata)));
                }

                json.WriteEndObject();
            }

            long offset = 0;
            for (int i = 0; i < keys.Length; i++)
            {
                torch.Tensor tensor = tensors[keys[i]];
                long bytes = tensor.NumberOfElements * tensor.ElementSize;
                json.WriteStartObject(keys[i]);
                json.WriteString("dtype", dtypes[i]);
                json.WriteStartArray("shape");
                foreach (long size in tensor.shape)
                {
                    json.WriteNumberValue(size);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
        }

        // Pad with spaces so that the data section starts 8-byte aligned (8 + N is a multiple of 8).
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream stream, torch.Tensor tensor)
    {
        if (tensor.NumberOfElements == 0)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        torch.Tensor compact = tensor.detach().cpu().contiguous();
        compact.WriteBytesToStream(stream, CopyBufferBytes);
    }
}
