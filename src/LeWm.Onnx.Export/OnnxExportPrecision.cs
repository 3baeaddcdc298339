namespace LeWm.Onnx.Export;

/// <summary>The number format of an exported graph's weights and arithmetic.</summary>
public enum OnnxExportPrecision
{
    /// <summary>float32 throughout: for the CPU, and the reference every parity test holds the export to.</summary>
    Full,

    /// <summary>
    /// float16 weights and arithmetic inside the graph, float32 at its inputs and outputs (the same names, types and
    /// shapes as the float32 export): half the file size and tensor-core arithmetic on CUDA GPUs. Meant for
    /// <c>OnCuda()</c>; ONNX Runtime's CPU provider runs it too (casting around operators it has no float16 kernel
    /// for), which serves to check its numbers but is no faster than float32 there.
    /// </summary>
    Half,
}
