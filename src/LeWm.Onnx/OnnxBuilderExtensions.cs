using LeWm.Onnx;

namespace LeWm.Inference;

/// <summary>Adds the ONNX Runtime backends (package LeWm.Onnx) to <see cref="TtsEngineBuilder"/>.</summary>
public static class OnnxBuilderExtensions
{
    /// <summary>
    /// Uses an exported ONNX vocoder folder (<c>config.json</c> + <c>vocoder.onnx</c>, made by
    /// <c>lewm export onnx --vocoder</c>) on the builder's device through ONNX Runtime.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The exported folder.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The application references ONNX Runtime's native package: <c>Microsoft.ML.OnnxRuntime</c> (CPU) or
    /// <c>Microsoft.ML.OnnxRuntime.Gpu</c> (CUDA), never both.
    /// </remarks>
    public static TtsEngineBuilder UseOnnxVocoder(this TtsEngineBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return builder.UseVocoder(context => OnnxVocoder.Load(directory, new OnnxOptions { Device = context.Device }));
    }

    /// <summary>
    /// Uses an exported LeWM model folder (<c>config.json</c> with kind <c>lewm</c> + graphs, made by
    /// <c>lewm export onnx --model</c>) as the acoustic model, on the builder's device through ONNX Runtime
    /// (<see cref="OnnxSpeechModel"/>): no libtorch.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The exported folder.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The application references ONNX Runtime's native package: <c>Microsoft.ML.OnnxRuntime</c> (CPU) or
    /// <c>Microsoft.ML.OnnxRuntime.Gpu</c> (CUDA), never both.
    /// </remarks>
    public static TtsEngineBuilder UseOnnx(this TtsEngineBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return builder.UseSpeechModel(context => OnnxSpeechModel.Load(directory, new OnnxOptions { Device = context.Device }));
    }
}
