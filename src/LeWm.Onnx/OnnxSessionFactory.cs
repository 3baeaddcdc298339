using LeWm.Inference;
using Microsoft.ML.OnnxRuntime;

namespace LeWm.Onnx;

/// <summary>
/// Opens ONNX Runtime sessions with the options' execution provider and threads, and turns ONNX Runtime's
/// failures into the library's typed exceptions (one funnel for every backend of this package).
/// </summary>
internal static class OnnxSessionFactory
{
    private const string NativeAdvice =
        "the ONNX Runtime native library could not be loaded: the application must reference Microsoft.ML.OnnxRuntime (CPU) or Microsoft.ML.OnnxRuntime.Gpu (CUDA), one of them, not both; LeWm.Onnx itself references only Microsoft.ML.OnnxRuntime.Managed.";

    /// <summary>Opens <paramref name="graphPath"/> in a new session.</summary>
    /// <exception cref="OnnxModelException">The file is missing, or ONNX Runtime refuses the graph.</exception>
    /// <exception cref="ExecutionProviderException">The native library or the requested execution provider is missing.</exception>
    public static InferenceSession Open(string graphPath, OnnxOptions options)
    {
        if (!File.Exists(graphPath))
        {
            throw new OnnxModelException($"The graph '{graphPath}' does not exist; export the folder again with `lewm export onnx`.");
        }

        SessionOptions sessionOptions;
        try
        {
            sessionOptions = new SessionOptions();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new ExecutionProviderException($"Cannot open '{graphPath}': {NativeAdvice} ({e.Message})", e);
        }

        using (sessionOptions)
        {
            sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
            if (options.IntraOpThreads > 0)
            {
                sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
            }

            // Spinning intra-op threads (ONNX Runtime's default) keep cores busy between calls: on a small CPU they
            // starve the vocoder and the engine's other work, and each session has its own pool.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");

            if (options.Device.Kind == ComputeDeviceKind.Cuda)
            {
                AppendCuda(sessionOptions, options.Device.Index);
            }

            try
            {
                return new InferenceSession(graphPath, sessionOptions);
            }
            catch (OnnxRuntimeException e)
            {
                throw new OnnxModelException($"ONNX Runtime cannot load '{graphPath}': {e.Message.ReplaceLineEndings(" ")}", e);
            }
        }
    }

    private static void AppendCuda(SessionOptions sessionOptions, int deviceId)
    {
        string advice =
            $"CUDA device {deviceId} was requested, but ONNX Runtime's CUDA execution provider is not available here: the application must reference Microsoft.ML.OnnxRuntime.Gpu (instead of Microsoft.ML.OnnxRuntime), run on a machine with an NVIDIA GPU, and have the CUDA 12 and cuDNN 9 libraries that package needs; or run on the CPU.";
        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new ExecutionProviderException($"{advice} (ONNX Runtime: {e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
