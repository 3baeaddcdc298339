using TorchSharp;

namespace LeWm.Checkpoints.Safetensors;

/// <summary>Reads the tensors or only the metadata of a safetensors file.</summary>
internal static class SafetensorsReader
{
    private const int CopyBufferBytes = 1 << 20;

    /// <summary>Reads every tensor of the file at <paramref name="path"/>, in header order.</summary>
    /// <returns>Contiguous CPU tensors the caller owns.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file.</exception>
    public static Dictionary<string, torch.Tensor> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        SafetensorsHeader header = SafetensorsHeader.Read(stream, path);

        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, torch.Tensor>(header.Tensors.Count, StringComparer.Ordinal);
        foreach (SafetensorsEntry entry in header.Tensors)
        {
            torch.Tensor tensor = torch.empty(entry.Shape, entry.DType);
            if (entry.End > entry.Begin)
            {
                stream.Position = header.DataStart + entry.Begin;
                try
                {
                    tensor.ReadBytesFromStream(stream, CopyBufferBytes);
                }
                catch (EndOfStreamException e)
                {
                    throw new CheckpointFormatException($"Tensor '{entry.Name}' in '{path}' is cut short: the file is truncated.", e);
                }
            }

            tensors.Add(entry.Name, tensor);
        }

        foreach (torch.Tensor tensor in tensors.Values)
        {
            tensor.MoveToOuterDisposeScope();
        }

        return tensors;
    }

    /// <summary>Reads only the <c>__metadata__</c> of the file at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return SafetensorsHeader.Read(stream, path).Metadata;
    }
}
