using LeWm.Inference;
using LeWm.Model.Backends;
using LeWm.Onnx;

namespace LeWm.Cli.Commands;

/// <summary>
/// Turns a <c>--model</c> folder into an acoustic model: an exported ONNX folder (<c>config.json</c> with
/// <c>kind: lewm</c>, run on ONNX Runtime) or a checkpoint (run on TorchSharp).
/// </summary>
internal static class SpeechModelFactory
{
    public static ISpeechModel Load(string folder) => Load(folder, ComputeDevice.Cpu, ModelPrecision.Full);

    /// <summary>Loads <paramref name="folder"/> on <paramref name="device"/>; <paramref name="cpuStepWeights"/> applies to checkpoints only (the fused CPU step).</summary>
    public static ISpeechModel Load(string folder, ComputeDevice device, ModelPrecision cpuStepWeights) =>
        OnnxSpeechModel.IsOnnxFolder(folder)
            ? OnnxSpeechModel.Load(folder, new OnnxOptions { Device = device })
            : LeWmSpeechModel.Load(folder, new LeWmModelOptions { Device = device, CpuStepWeights = cpuStepWeights });
}
