namespace LeWm.Model.Backends.Cpu;

/// <summary>bfloat16 ↔ float32: bfloat16 is the upper 16 bits of a float32 (8-bit exponent, 7-bit mantissa).</summary>
internal static class BFloat16
{
    /// <summary>Rounds a float32 to the nearest bfloat16 (ties to even); NaN stays NaN.</summary>
    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }

        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>Widens a bfloat16 to the float32 it stands for (exact).</summary>
    public static float ToSingle(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
