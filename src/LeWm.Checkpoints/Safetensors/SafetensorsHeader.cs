using System.Buffers.Binary;
using System.Text.Json;

namespace LeWm.Checkpoints.Safetensors;

/// <summary>
/// The header of a safetensors file (Hugging Face format): an 8-byte little-endian length N, then N bytes of UTF-8 JSON
/// mapping each tensor's key to its <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> (relative to the end of the
/// header), plus an optional <c>__metadata__</c> object of strings. Parsed as strictly as the reference implementation:
/// the tensors must tile the data section exactly, without gaps or overlaps.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>The reserved key of the string-to-string metadata object.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header accepted, as in the reference implementation (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private SafetensorsHeader(List<SafetensorsEntry> tensors, Dictionary<string, string> metadata, long dataStart)
    {
        Tensors = tensors;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>Gets the tensors in the header's order.</summary>
    public IReadOnlyList<SafetensorsEntry> Tensors { get; }

    /// <summary>Gets the <c>__metadata__</c> entries; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the file offset where the data section starts (8 + N).</summary>
    public long DataStart { get; }

    /// <summary>Reads and checks the header at the start of <paramref name="stream"/>.</summary>
    /// <param name="stream">A seekable stream at position 0; left just after the header.</param>
    /// <param name="path">The file, named in every error.</param>
    /// <exception cref="CheckpointFormatException">The header is missing, truncated, malformed or inconsistent with the file.</exception>
    public static SafetensorsHeader Read(Stream stream, string path)
    {
        long fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (fileLength < 8 || stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw new CheckpointFormatException($"'{path}' is too short ({fileLength} bytes) to be a safetensors file.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(fileLength - 8))
        {
            throw new CheckpointFormatException(
                $"'{path}' declares a safetensors header of {headerLength} bytes, but the file has {fileLength - 8} bytes after the length field (truncated or not safetensors).");
        }

        var json = new byte[headerLength];
        stream.ReadExactly(json);
        if (json.Length == 0 || json[0] != (byte)'{')
        {
            throw new CheckpointFormatException($"'{path}' has a safetensors header that does not start with '{{'.");
        }

        long dataStart = 8 + (long)headerLength;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"'{path}' has a safetensors header that is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException($"'{path}' has a safetensors header that is not a JSON object.");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafetensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new CheckpointFormatException($"'{path}' names '{property.Name}' twice in its safetensors header.");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, path);
                }
                else
                {
                    tensors.Add(ReadEntry(property, path));
                }
            }

            CheckTiling(tensors, fileLength - dataStart, path);
            return new SafetensorsHeader(tensors, metadata, dataStart);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException($"'{path}' has a '{MetadataKey}' that is not a JSON object.");
        }

        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new CheckpointFormatException($"Metadata '{item.Name}' in '{path}' is a JSON {item.Value.ValueKind}; safetensors metadata values are strings.");
            }

            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(JsonProperty property, string path)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException($"Tensor '{name}' in '{path}' lacks a string 'dtype', an array 'shape' or an array 'data_offsets' in the safetensors header.");
        }

        string dtypeName = dtype.GetString()!;
        TorchSharp.torch.ScalarType type = SafetensorsDTypes.Parse(dtypeName)
            ?? throw new CheckpointFormatException($"Tensor '{name}' in '{path}' has dtype '{dtypeName}', which is not supported (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL are).");

        long[] shape = ReadIntegers(shapeElement, name, "shape", path);
        long[] range = ReadIntegers(offsets, name, "data_offsets", path);
        if (range.Length != 2 || range[0] > range[1])
        {
            throw new CheckpointFormatException($"Tensor '{name}' in '{path}' has data_offsets {ShapeText.Format(range)}; expected [begin, end] with begin <= end.");
        }

        long bytes;
        try
        {
            bytes = ScalarTypes.ElementSize(type);
            foreach (long size in shape)
            {
                bytes = checked(bytes * size);
            }
        }
        catch (OverflowException e)
        {
            throw new CheckpointFormatException($"Tensor '{name}' in '{path}' has shape {ShapeText.Format(shape)}, too large to address.", e);
        }

        if (range[1] - range[0] != bytes)
        {
            throw new CheckpointFormatException(
                $"Tensor '{name}' in '{path}' is {dtypeName} {ShapeText.Format(shape)} ({bytes} bytes) but its data_offsets [{range[0]}, {range[1]}] span {range[1] - range[0]} bytes.");
        }

        return new SafetensorsEntry(name, type, shape, range[0], range[1]);
    }

    private static long[] ReadIntegers(JsonElement array, string name, string field, string path)
    {
        var numbers = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number) || number < 0)
            {
                throw new CheckpointFormatException($"Tensor '{name}' in '{path}' has a '{field}' entry that is not a non-negative integer ({item.GetRawText()}).");
            }

            numbers[i++] = number;
        }

        return numbers;
    }

    private static void CheckTiling(List<SafetensorsEntry> tensors, long dataLength, string path)
    {
        long expectedBegin = 0;
        foreach (SafetensorsEntry entry in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (entry.Begin != expectedBegin)
            {
                string problem = entry.Begin < expectedBegin ? "overlaps the tensor before it" : "leaves a gap before it";
                throw new CheckpointFormatException(
                    $"Tensor '{entry.Name}' in '{path}' starts at data offset {entry.Begin}, which {problem} (expected {expectedBegin}).");
            }

            expectedBegin = entry.End;
        }

        if (expectedBegin != dataLength)
        {
            throw new CheckpointFormatException(
                $"'{path}' has {dataLength} bytes of tensor data but its safetensors header accounts for {expectedBegin} (truncated or padded file).");
        }
    }
}
