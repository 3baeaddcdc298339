using System.CommandLine;
using System.Globalization;
using LeWm.Inference;

namespace LeWm.Cli.Commands;

/// <summary>The <c>--device</c> option of the inference commands: <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>.</summary>
internal static class DeviceOption
{
    /// <summary>Creates the option.</summary>
    public static Option<string> Create() => new("--device")
    {
        Description = "cpu, cuda or cuda:N. CUDA runs ONNX folders on ONNX Runtime's CUDA provider (a build of lewm with Microsoft.ML.OnnxRuntime.Gpu) and checkpoints on a TorchSharp CUDA runtime.",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary>Parses the option's value.</summary>
    /// <exception cref="UsageException">The value is none of <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.</exception>
    public static ComputeDevice Parse(string value)
    {
        string text = value.Trim().ToLowerInvariant();
        if (text == "cpu")
        {
            return ComputeDevice.Cpu;
        }

        if (text == "cuda")
        {
            return ComputeDevice.Cuda(0);
        }

        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return ComputeDevice.Cuda(index);
        }

        throw new UsageException($"--device must be cpu, cuda or cuda:N (got '{value}').");
    }
}
