namespace LeWm.Checkpoints;

/// <summary>What the first bytes of a weights file say it is.</summary>
internal enum CheckpointFormat
{
    /// <summary>Nothing this package reads.</summary>
    Unknown,

    /// <summary>The file is empty.</summary>
    Empty,

    /// <summary>A zip archive ("PK"): a PyTorch checkpoint written by <c>torch.save</c> since PyTorch 1.6.</summary>
    TorchZip,

    /// <summary>An 8-byte length followed by '{': a safetensors file.</summary>
    Safetensors,

    /// <summary>A pickle that starts with PyTorch's legacy magic number: <c>torch.save</c> before 1.6, or with <c>_use_new_zipfile_serialization=False</c>.</summary>
    LegacyTorch,

    /// <summary>Some other pickle (it starts with the PROTO opcode).</summary>
    Pickle,
}
