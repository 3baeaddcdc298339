namespace LeWm.Model.Backends.Cpu;

/// <summary>A linear layer's weight matrix <c>[out, in]</c>, row-major, stored as float32 or as bfloat16.</summary>
internal sealed class DenseWeights
{
    private DenseWeights(float[]? float32, ushort[]? bfloat16)
    {
        Float32 = float32;
        BFloat16 = bfloat16;
    }

    /// <summary>Gets the float32 weights, or null when stored as bfloat16.</summary>
    public float[]? Float32 { get; }

    /// <summary>Gets the bfloat16 weights (the upper 16 bits of each float32, rounded to nearest even), or null.</summary>
    public ushort[]? BFloat16 { get; }

    /// <summary>Stores <paramref name="weights"/> as they are, or rounded to bfloat16.</summary>
    public static DenseWeights From(float[] weights, bool bfloat16) =>
        bfloat16 ? new DenseWeights(null, [.. weights.Select(Cpu.BFloat16.FromSingle)]) : new DenseWeights(weights, null);
}
