using LeWm.Inference;

namespace LeWm.Onnx;

/// <summary>How the ONNX Runtime backends run their graphs.</summary>
public sealed record OnnxOptions
{
    /// <summary>
    /// Where to run. Default <see cref="ComputeDevice.Cpu"/>. CUDA needs the application to reference
    /// <c>Microsoft.ML.OnnxRuntime.Gpu</c> (instead of <c>Microsoft.ML.OnnxRuntime</c>), an NVIDIA GPU, and the
    /// CUDA and cuDNN libraries that package is built against; otherwise loading throws
    /// <see cref="ExecutionProviderException"/>.
    /// </summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>
    /// Threads ONNX Runtime uses inside one operator (its intra-op pool); 0 lets ONNX Runtime choose (one per
    /// physical core). Default 0.
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin while waiting for work. Default false: spinning shaves a little
    /// off back-to-back calls on an idle machine, but each session keeps its own pool busy, which on a few cores
    /// starves the vocoder and concurrent requests (end to end on 2 cores, base preset: ~1.4 s spinning vs ~0.93 s
    /// not).
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (IntraOpThreads < 0)
        {
            problems.Add($"IntraOpThreads must be zero (ONNX Runtime chooses) or positive (got {IntraOpThreads}).");
        }

        if (Device.Index < 0)
        {
            problems.Add($"Device index must not be negative (got {Device.Index}).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid ONNX options: " + string.Join(" ", problems));
        }
    }
}
