using System.IO.Compression;
using LeWm.Checkpoints.Pickle;
using TorchSharp;

namespace LeWm.Checkpoints.TorchZip;

/// <summary>
/// Reads the state dict of a PyTorch zip checkpoint (<c>torch.save</c> since PyTorch 1.6: <c>pytorch_model.bin</c>,
/// <c>.pt</c>, <c>.pth</c>): <c>&lt;archive&gt;/data.pkl</c> is read by <see cref="RestrictedUnpickler"/>, and only once it
/// has passed are the storage records <c>&lt;archive&gt;/data/&lt;key&gt;</c> read into tensors.
/// </summary>
internal static class TorchZipCheckpoint
{
    private const string PickleRecord = "data.pkl";
    private const long MaxPickleBytes = 256L * 1024 * 1024;
    private const int CopyBufferBytes = 1 << 20;

    /// <summary>Reads the tensors of the checkpoint at <paramref name="path"/>, in the pickle's order.</summary>
    /// <param name="path">The checkpoint; named in every error.</param>
    /// <returns>Contiguous CPU tensors the caller owns; tensors that shared a whole storage in the file share it here too.</returns>
    /// <exception cref="CheckpointFormatException">The archive or its pickle is unreadable, unsafe or not a state dict.</exception>
    public static Dictionary<string, torch.Tensor> Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException($"'{path}' is not a readable zip archive (truncated or corrupt?): {e.Message}", e);
        }

        using (archive)
        {
            try
            {
                ZipArchiveEntry pickleEntry = FindPickle(archive, path);
                string prefix = pickleEntry.FullName[..^PickleRecord.Length];
                CheckByteOrder(archive, prefix, path);

                // Parse and vet the whole pickle before a single storage is read.
                object? root = RestrictedUnpickler.Unpickle(ReadPickle(pickleEntry, path), path);
                List<KeyValuePair<string, TensorReference>> entries = StateDictEntries(root, path);
                return Materialize(archive, prefix, entries, path);
            }
            catch (InvalidDataException e)
            {
                throw new CheckpointFormatException($"'{path}' is a corrupt zip archive: {e.Message}", e);
            }
            catch (EndOfStreamException e)
            {
                throw new CheckpointFormatException($"'{path}' is truncated: {e.Message}", e);
            }
            catch (OverflowException e)
            {
                throw new CheckpointFormatException($"'{path}' declares a tensor or storage too large to address.", e);
            }
        }
    }

    private static ZipArchiveEntry FindPickle(ZipArchive archive, string path)
    {
        // torch.save puts every record under one top-level folder: <archive>/data.pkl, <archive>/data/0, ...
        ZipArchiveEntry[] candidates = archive.Entries
            .Where(e => e.FullName.EndsWith("/" + PickleRecord, StringComparison.Ordinal)
                && e.FullName.IndexOf('/', StringComparison.Ordinal) == e.FullName.Length - PickleRecord.Length - 1)
            .ToArray();
        return candidates.Length switch
        {
            1 => candidates[0],
            0 => throw new CheckpointFormatException(
                $"'{path}' is a zip archive but not a PyTorch checkpoint: it has no '<archive>/{PickleRecord}' record."),
            _ => throw new CheckpointFormatException(
                $"'{path}' holds {candidates.Length} '{PickleRecord}' records ({string.Join(", ", candidates.Select(c => c.FullName))}); a PyTorch checkpoint has one."),
        };
    }

    private static void CheckByteOrder(ZipArchive archive, string prefix, string path)
    {
        // PyTorch 2.1+ records the byte order of the storages; older files are little-endian.
        ZipArchiveEntry? entry = archive.GetEntry(prefix + "byteorder");
        if (entry is null)
        {
            return;
        }

        using var reader = new StreamReader(entry.Open());
        string order = reader.ReadToEnd().Trim();
        if (order != "little")
        {
            throw new CheckpointFormatException($"'{path}' stores its tensors in '{order}' byte order; only little-endian checkpoints are supported.");
        }
    }

    private static byte[] ReadPickle(ZipArchiveEntry entry, string path)
    {
        if (entry.Length > MaxPickleBytes)
        {
            throw new CheckpointFormatException(
                $"'{path}' has a {entry.Length}-byte '{entry.FullName}'; a state dict's pickle is far smaller (at most {MaxPickleBytes} bytes accepted).");
        }

        var bytes = new byte[entry.Length];
        using Stream stream = entry.Open();
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static List<KeyValuePair<string, TensorReference>> StateDictEntries(object? root, string path)
    {
        if (root is not PickleDictionary dictionary)
        {
            throw new CheckpointFormatException($"'{path}' holds a pickled {DescribeRoot(root)}, not a state dict (a mapping of names to tensors).");
        }

        var entries = new List<KeyValuePair<string, TensorReference>>(dictionary.Entries.Count);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((object? key, object? value) in dictionary.Entries)
        {
            if (key is not string name)
            {
                throw new CheckpointFormatException($"'{path}' has a state dict key that is not a string ({DescribeRoot(key)}).");
            }

            if (value is not TensorReference tensor)
            {
                throw new CheckpointFormatException(
                    $"Entry '{name}' in '{path}' is not a tensor but a Python {DescribeRoot(value)}; LeWm.Checkpoints reads state dicts (torch.save(model.state_dict(), ...)), not training checkpoints that wrap one.");
            }

            // Python dict semantics: a repeated key keeps its first position and its last value.
            if (index.TryGetValue(name, out int at))
            {
                entries[at] = new(name, tensor);
            }
            else
            {
                index.Add(name, entries.Count);
                entries.Add(new(name, tensor));
            }
        }

        return entries;
    }

    private static Dictionary<string, torch.Tensor> Materialize(
        ZipArchive archive, string prefix, List<KeyValuePair<string, TensorReference>> entries, string path)
    {
        using var scope = torch.NewDisposeScope();
        var storages = new Dictionary<string, (StorageReference Reference, torch.Tensor Data)>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, torch.Tensor>(entries.Count, StringComparer.Ordinal);
        foreach ((string name, TensorReference reference) in entries)
        {
            StorageReference wanted = reference.Storage;
            if (!storages.TryGetValue(wanted.Key, out var storage))
            {
                storage = (wanted, ReadStorage(archive, prefix + "data/" + wanted.Key, wanted, name, path));
                storages.Add(wanted.Key, storage);
            }
            else if (storage.Reference.DType != wanted.DType || storage.Reference.ElementCount != wanted.ElementCount)
            {
                throw new CheckpointFormatException(
                    $"Tensor '{name}' in '{path}' reads storage '{wanted.Key}' as {wanted.ElementCount} {ScalarTypes.Name(wanted.DType)} elements; an earlier tensor read it as {storage.Reference.ElementCount} {ScalarTypes.Name(storage.Reference.DType)}.");
            }

            tensors.Add(name, View(storage.Data, reference, name, path));
        }

        foreach (torch.Tensor tensor in tensors.Values)
        {
            tensor.MoveToOuterDisposeScope();
        }

        return tensors;
    }

    private static torch.Tensor ReadStorage(ZipArchive archive, string record, StorageReference storage, string tensorName, string path)
    {
        ZipArchiveEntry entry = archive.GetEntry(record)
            ?? throw new CheckpointFormatException($"Tensor '{tensorName}' in '{path}' needs the storage record '{record}', which the archive does not have.");
        long bytes = checked(storage.ElementCount * ScalarTypes.ElementSize(storage.DType));
        if (entry.Length != bytes)
        {
            throw new CheckpointFormatException(
                $"Storage record '{record}' in '{path}' (used by tensor '{tensorName}') holds {entry.Length} bytes; the pickle declares {storage.ElementCount} {ScalarTypes.Name(storage.DType)} elements ({bytes} bytes).");
        }

        torch.Tensor data = torch.empty([storage.ElementCount], storage.DType);
        if (bytes > 0)
        {
            using Stream stream = entry.Open();
            data.ReadBytesFromStream(stream, CopyBufferBytes);
        }

        return data;
    }

    private static torch.Tensor View(torch.Tensor storage, TensorReference reference, string name, string path)
    {
        long elements = 1;
        long lastIndex = reference.StorageOffset;
        for (int i = 0; i < reference.Shape.Length; i++)
        {
            elements = checked(elements * reference.Shape[i]);
            if (reference.Shape[i] > 0)
            {
                lastIndex = checked(lastIndex + ((reference.Shape[i] - 1) * reference.Stride[i]));
            }
        }

        long available = reference.Storage.ElementCount;
        if (elements > 0 && lastIndex >= available)
        {
            throw new CheckpointFormatException(
                $"Tensor '{name}' in '{path}' ({ShapeText.Format(reference.Shape)}, stride {ShapeText.Format(reference.Stride)}, offset {reference.StorageOffset}) reaches element {lastIndex} of storage '{reference.Storage.Key}', which holds {available}.");
        }

        torch.Tensor view = storage.as_strided(reference.Shape, reference.Stride, reference.StorageOffset);
        bool wholeStorage = reference.StorageOffset == 0 && elements == available;
        if (wholeStorage && view.is_contiguous())
        {
            return view;
        }

        // A view of part of a storage, or a non-contiguous one: give it its own compact memory.
        return view.is_contiguous() ? view.clone() : view.contiguous();
    }

    private static string DescribeRoot(object? value) => value switch
    {
        null => "None",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDictionary => "dict",
        StorageReference => "storage",
        TensorReference => "tensor",
        PickleGlobal global => global.Name,
        _ => value.GetType().Name,
    };
}
