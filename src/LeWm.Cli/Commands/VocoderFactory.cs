using LeWm.Inference;
using LeWm.Onnx;
using LeWm.Vocos;

namespace LeWm.Cli.Commands;

/// <summary>
/// Turns a <c>--vocoder</c> argument into a vocoder: <c>griffin-lim</c>, an exported ONNX vocoder folder
/// (<c>config.json</c> + <c>vocoder.onnx</c>, run on ONNX Runtime), or a Vocos folder (<c>config.yaml</c> + weights,
/// run on TorchSharp).
/// </summary>
internal static class VocoderFactory
{
    public const string GriffinLim = "griffin-lim";

    /// <summary>The help text of every <c>--vocoder</c> option.</summary>
    public const string Description =
        "A Vocos folder (config.yaml + pytorch_model.bin or model.safetensors), its ONNX export (lewm export onnx --vocoder), or 'griffin-lim'.";

    public static IVocoder Create(string argument) => Create(argument, ComputeDevice.Cpu);

    /// <summary>Creates the vocoder <paramref name="argument"/> names on <paramref name="device"/> (Griffin-Lim always runs on the CPU).</summary>
    public static IVocoder Create(string argument, ComputeDevice device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(argument);
        if (string.Equals(argument, GriffinLim, StringComparison.OrdinalIgnoreCase))
        {
            return new GriffinLimVocoder();
        }

        return Directory.Exists(argument) && OnnxVocoder.IsOnnxFolder(argument)
            ? OnnxVocoder.Load(argument, new OnnxOptions { Device = device })
            : VocosVocoder.Load(argument, new VocosOptions { Device = device });
    }
}
