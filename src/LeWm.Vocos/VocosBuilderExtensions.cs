using LeWm.Vocos;

namespace LeWm.Inference;

/// <summary>Adds the TorchSharp Vocos vocoder (package LeWm.Vocos) to <see cref="TtsEngineBuilder"/>.</summary>
public static class VocosBuilderExtensions
{
    /// <summary>
    /// Uses a Vocos folder as published (<c>config.yaml</c> + <c>pytorch_model.bin</c> or <c>model.safetensors</c>,
    /// e.g. <c>charactr/vocos-mel-24khz</c>) on the builder's device.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The Vocos folder.</param>
    /// <returns>The builder.</returns>
    public static TtsEngineBuilder UseVocos(this TtsEngineBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return builder.UseVocoder(context => VocosVocoder.Load(directory, new VocosOptions { Device = context.Device }));
    }
}
