using LeWm.Inference;

namespace LeWm.Model.Backends;

/// <summary>The floating-point type a TorchSharp model runs in.</summary>
public enum ModelPrecision
{
    /// <summary>32-bit float (the default; the only choice on the CPU).</summary>
    Full,

    /// <summary>IEEE 754 half precision, float16 (CUDA).</summary>
    Half,

    /// <summary>bfloat16 (CUDA on Ampere or newer).</summary>
    BFloat16,
}

/// <summary>How a <see cref="LeWmSpeechModel"/> runs.</summary>
public sealed record LeWmModelOptions
{
    /// <summary>
    /// Gets where to run. Default <see cref="ComputeDevice.Cpu"/>. CUDA needs a TorchSharp CUDA runtime package in the
    /// application (not served on every feed; our tested GPU path is ONNX Runtime, LeWm.Onnx).
    /// </summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>Gets the precision. Default <see cref="ModelPrecision.Full"/> (float32); half precisions need CUDA.</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Full;

    /// <summary>Checks the combination.</summary>
    /// <exception cref="ArgumentException">A half precision was asked for on the CPU.</exception>
    public void Validate()
    {
        if (Precision != ModelPrecision.Full && Device.Kind == ComputeDeviceKind.Cpu)
        {
            throw new ArgumentException(
                $"Precision {Precision} needs a CUDA device; on the CPU the model runs in full (float32) precision.", nameof(Precision));
        }
    }
}
