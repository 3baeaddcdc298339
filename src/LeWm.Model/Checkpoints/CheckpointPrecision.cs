namespace LeWm.Model.Checkpoints;

/// <summary>The floating-point type <see cref="LeWmCheckpoint.Save"/> stores a network's weights in.</summary>
/// <remarks>
/// Loading accepts every one of them and converts the weights to the network's float32, so the precision only decides
/// the file's size and the rounding of the stored values; integer tensors are stored as they are.
/// </remarks>
public enum CheckpointPrecision
{
    /// <summary>32-bit IEEE floats (safetensors <c>F32</c>), like <see cref="Backends.ModelPrecision.Full"/>: the weights exactly as trained. The default.</summary>
    Full,

    /// <summary>
    /// 16-bit IEEE half floats (safetensors <c>F16</c>): half the size; each weight rounded to 11 significant bits
    /// (relative error at most 2^-11), values beyond ±65 504 saturate to infinity. For shipping a finished model.
    /// </summary>
    Half,

    /// <summary>
    /// 16-bit brain floats (safetensors <c>BF16</c>): half the size, float32's range, 8 significant bits (relative
    /// error at most 2^-8).
    /// </summary>
    BFloat16,
}
