using System.Globalization;
using LeWm.Checkpoints.Safetensors;
using LeWm.Checkpoints.TorchZip;
using TorchSharp;

namespace LeWm.Checkpoints;

/// <summary>
/// Reads and writes PyTorch state dicts (a mapping of names to tensors): PyTorch zip checkpoints
/// (<c>pytorch_model.bin</c>, <c>.pt</c>, <c>.pth</c>) and Hugging Face safetensors files.
/// </summary>
/// <remarks>
/// <para>
/// A weights file is data, never code. A PyTorch checkpoint is a zip archive whose <c>data.pkl</c> is a Python
/// pickle, and a pickle can ask to call any Python function. Loading accepts only the subset a state dict needs
/// (<c>collections.OrderedDict</c>, PyTorch's tensor and parameter rebuild functions, its typed storage classes,
/// plain data) and refuses a file whose pickle asks for anything else, such as a <c>__reduce__</c> to
/// <c>os.system</c>, before a single tensor is read. Nothing is ever executed either way: the pickle is interpreted
/// into inert values by this package, not by Python. Still, load weights only from sources you trust.
/// </para>
/// <para>
/// The format is chosen from the file's content, never its name. Legacy (pre-1.6, non-zip) <c>torch.save</c>
/// files are not supported. Tensors are read as little-endian, as both formats store them.
/// </para>
/// <para>All methods are thread-safe for different files; none keeps state.</para>
/// </remarks>
public static class StateDictFile
{
    /// <summary>Reads every tensor of a PyTorch zip checkpoint or a safetensors file.</summary>
    /// <param name="path">The file to read; its format is detected from its first bytes.</param>
    /// <returns>
    /// The tensors by key, in file order: contiguous CPU tensors with the file's dtypes (float16 stays float16) and no
    /// gradient. The caller owns them: dispose them, or call this inside a <c>torch.NewDisposeScope()</c>. Tensors that
    /// shared one whole storage in a PyTorch checkpoint (tied weights) share memory here too.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointFormatException">
    /// The file is empty, truncated, corrupt, a legacy or otherwise unsupported format, or its pickle asks to call
    /// anything a state dict does not need; the message names the file and, where there is one, the key.
    /// </exception>
    public static Dictionary<string, torch.Tensor> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        CheckpointFormat format = DetectExisting(path, out byte[] head);
        return format switch
        {
            CheckpointFormat.TorchZip => TorchZipCheckpoint.Read(path),
            CheckpointFormat.Safetensors => SafetensorsReader.Read(path),
            _ => throw Unsupported(path, format, head),
        };
    }

    /// <summary>Writes tensors to a safetensors file that Python's <c>safetensors</c> and this class can read.</summary>
    /// <param name="path">The file to create or replace; written atomically, so a crash leaves the old file or the new one.</param>
    /// <param name="tensors">The tensors by key, on any device, contiguous or not; they are not modified.</param>
    /// <param name="metadata">Optional string metadata, stored as the header's <c>__metadata__</c> (for example <c>format: pt</c>).</param>
    /// <remarks>
    /// Keys are written in ordinal order, each tensor C-contiguous and little-endian, the header padded with spaces so
    /// the data starts 8-byte aligned. Supported dtypes: float64, float32, float16, bfloat16, int64, int32, int16,
    /// int8, uint8, bool.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is null, empty or white space; a tensor is null; a key is <c>__metadata__</c>; a tensor's
    /// dtype is not supported; or a metadata value is null.
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="tensors"/> is null.</exception>
    public static void SaveSafetensors(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(tensors);
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    /// <summary>Reads the <c>__metadata__</c> of a safetensors file without reading its tensors.</summary>
    /// <param name="path">The safetensors file.</param>
    /// <returns>The metadata; empty when the file has none.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> ReadSafetensorsMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        CheckpointFormat format = DetectExisting(path, out byte[] head);
        if (format != CheckpointFormat.Safetensors)
        {
            throw format is CheckpointFormat.TorchZip
                ? new CheckpointFormatException($"'{path}' is a PyTorch zip checkpoint, not a safetensors file; it has no safetensors metadata.")
                : Unsupported(path, format, head);
        }

        return SafetensorsReader.ReadMetadata(path);
    }

    /// <summary>
    /// Loads a PyTorch zip checkpoint or a safetensors file into <paramref name="module"/>'s parameters and buffers.
    /// </summary>
    /// <param name="module">The module to fill; its <c>state_dict()</c> keys and shapes are the reference.</param>
    /// <param name="path">The weights file.</param>
    /// <param name="strict">
    /// When true (the default) every key of the module must be in the file and every key of the file in the module.
    /// When false, keys on only one side are skipped and reported. Shapes must match either way.
    /// </param>
    /// <returns>The keys skipped on either side (both empty after a strict load).</returns>
    /// <remarks>
    /// Everything is checked before anything is copied, so on error the module is unchanged. Floating-point values are
    /// converted to the module's dtype (a float16 file fills a float32 model); other dtypes must match. Values are
    /// copied under <c>torch.no_grad()</c> onto the module's device. The loaded tensors are disposed afterwards.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointFormatException">
    /// The file cannot be read (see <see cref="Load"/>), or the first missing key, unexpected key, or tensor whose shape
    /// or dtype does not fit, named with the file.
    /// </exception>
    public static StateDictLoadResult LoadInto(torch.nn.Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var scope = torch.NewDisposeScope();
        Dictionary<string, torch.Tensor> tensors = Load(path);
        return StateDictMatcher.CopyInto(module, tensors, path, strict);
    }

    /// <summary>
    /// Copies an in-memory state dict into <paramref name="module"/>, with the checks of
    /// <see cref="LoadInto(torch.nn.Module, string, bool)"/>; use it after renaming or filtering keys.
    /// </summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="tensors">The state dict; not modified or disposed.</param>
    /// <param name="sourceName">Where the tensors came from (a path, usually), named in error messages.</param>
    /// <param name="strict">Whether keys on only one side are an error (see <see cref="LoadInto(torch.nn.Module, string, bool)"/>).</param>
    /// <returns>The keys skipped on either side.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="tensors"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="sourceName"/> is null, empty or white space.</exception>
    /// <exception cref="CheckpointFormatException">The first missing key, unexpected key, or tensor whose shape or dtype does not fit.</exception>
    public static StateDictLoadResult CopyInto(torch.nn.Module module, IReadOnlyDictionary<string, torch.Tensor> tensors, string sourceName, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        return StateDictMatcher.CopyInto(module, tensors, sourceName, strict);
    }

    private static CheckpointFormat DetectExisting(string path, out byte[] head)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The weights file '{path}' does not exist.", path);
        }

        return CheckpointFormatDetector.Detect(path, out head);
    }

    private static CheckpointFormatException Unsupported(string path, CheckpointFormat format, byte[] head) => format switch
    {
        CheckpointFormat.Empty => new($"'{path}' is empty; expected a PyTorch zip checkpoint or a safetensors file."),
        CheckpointFormat.LegacyTorch => new(
            $"'{path}' was written in PyTorch's legacy (pre-1.6, non-zip) torch.save format, which is not supported. " +
            "Re-save it with torch.save's default (zip) format, e.g. torch.save(state_dict, 'pytorch_model.bin'), or as safetensors."),
        CheckpointFormat.Pickle => new(
            $"'{path}' is a bare Python pickle, not a PyTorch zip checkpoint or a safetensors file; " +
            "re-save the state dict with torch.save(state_dict, path) or safetensors."),
        _ => new(
            $"'{path}' is neither a PyTorch zip checkpoint (pytorch_model.bin, .pt) nor a safetensors file; it starts with bytes {Hex(head)}."),
    };

    private static string Hex(byte[] head) =>
        string.Join(' ', head.Take(8).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
