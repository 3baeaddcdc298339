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

    /// <summary>
    /// Gets whether the autoregressive step on the CPU runs in LeWM's fused float32 kernel (one pass over the
    /// predictor's weights per step, a cache that grows in place) instead of TorchSharp operations. Default true; the
    /// two agree to float32 rounding. Ignored on CUDA.
    /// </summary>
    public bool FusedCpuStep { get; init; } = true;

    /// <summary>
    /// Gets the worker threads of the fused CPU step (its large matrix products are split across them); null uses
    /// one per four logical processors, at least one. The step reads every predictor weight once, so it is bound by
    /// memory bandwidth, and on small machines a second thread mostly contends with the decoder and vocoder that run
    /// beside it when streaming or batching. TorchSharp's own pool is set with <c>torch.set_num_threads</c>.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Gets the precision of the matrices of the fused CPU step: <see cref="ModelPrecision.Full"/> (float32, the default:
    /// the step equals TorchSharp's to float32 rounding) or <see cref="ModelPrecision.BFloat16"/> (weights rounded to
    /// bfloat16, arithmetic in float32: half the memory read per step, so a faster step where memory bandwidth is the
    /// limit, with predictions that differ from float32 by about the weights' rounding, 2⁻⁹ relative).
    /// </summary>
    public ModelPrecision CpuStepWeights { get; init; } = ModelPrecision.Full;

    /// <summary>Checks the combination.</summary>
    /// <exception cref="ArgumentException">A half precision was asked for on the CPU.</exception>
    public void Validate()
    {
        if (Precision != ModelPrecision.Full && Device.Kind == ComputeDeviceKind.Cpu)
        {
            throw new ArgumentException(
                $"Precision {Precision} needs a CUDA device; on the CPU the model runs in full (float32) precision.", nameof(Precision));
        }

        if (CpuStepWeights == ModelPrecision.Half)
        {
            throw new ArgumentException(
                "The fused CPU step stores its weights as float32 or bfloat16 (widening bfloat16 is a shift; float16 needs conversion hardware .NET does not expose).",
                nameof(CpuStepWeights));
        }

        if (Threads is < 1)
        {
            throw new ArgumentException($"Threads must be at least 1 (got {Threads}).", nameof(Threads));
        }
    }
}
