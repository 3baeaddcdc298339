using LeWm.Audio;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Checkpoints;

/// <summary>TorchSharp devices for the TorchSharp backends (acoustic model and Vocos), with one rule for CUDA.</summary>
public static class TorchDevices
{
    /// <summary>Returns CUDA device <paramref name="index"/>, or explains what is missing when TorchSharp has no CUDA runtime.</summary>
    /// <param name="index">The CUDA device ordinal.</param>
    /// <returns>The device.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    /// <exception cref="LeWmException">TorchSharp has no CUDA runtime in this process.</exception>
    public static Device Cuda(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (!torch.cuda.is_available())
        {
            throw new LeWmException(
                $"CUDA device {index} was requested, but TorchSharp has no CUDA runtime here: reference a TorchSharp CUDA package (e.g. TorchSharp-cuda-linux) instead of TorchSharp-cpu, on a machine with an NVIDIA GPU, or use the ONNX Runtime backend (LeWm.Onnx).");
        }

        return new Device(DeviceType.CUDA, index);
    }
}
