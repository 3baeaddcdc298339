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
    public static ISpeechModel Load(string folder) =>
        OnnxSpeechModel.IsOnnxFolder(folder) ? OnnxSpeechModel.Load(folder) : LeWmSpeechModel.Load(folder);
}
