using LeWm.Model.Backends;

namespace LeWm.Inference;

/// <summary>Adds the TorchSharp acoustic model (package LeWm.Model) to <see cref="TtsEngineBuilder"/>.</summary>
public static class LeWmModelBuilderExtensions
{
    /// <summary>
    /// Uses a LeWM checkpoint folder (<c>config.json</c> + <c>model.safetensors</c> or <c>pytorch_model.bin</c>) on
    /// TorchSharp, on the builder's device (<c>OnCpu</c>/<c>OnCuda</c>); CUDA runs in float16 unless
    /// <paramref name="precision"/> says otherwise.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="precision">The precision; null picks float32 on the CPU and float16 on CUDA.</param>
    /// <returns>The builder.</returns>
    public static TtsEngineBuilder UseModel(this TtsEngineBuilder builder, string directory, ModelPrecision? precision = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return builder.UseSpeechModel(context =>
        {
            if (context.Threads is int threads)
            {
                TorchSharp.torch.set_num_threads(threads);
            }

            var options = new LeWmModelOptions
            {
                Device = context.Device,
                Precision = precision ?? (context.Device.Kind == ComputeDeviceKind.Cuda ? ModelPrecision.Half : ModelPrecision.Full),
                Threads = context.Threads,
            };
            return LeWmSpeechModel.Load(directory, options);
        });
    }
}
