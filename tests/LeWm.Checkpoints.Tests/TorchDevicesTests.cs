using LeWm.Audio;
using TorchSharp;

namespace LeWm.Checkpoints.Tests;

/// <summary><see cref="TorchDevices.Cuda"/> returns the device where CUDA exists and otherwise says what to install.</summary>
public sealed class TorchDevicesTests
{
    [Fact]
    public void Cuda_WithoutACudaRuntime_ThrowsNamingThePackagesToUse()
    {
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TorchDevices.Cuda(0).type);
            return;
        }

        LeWmException e = Assert.Throws<LeWmException>(() => TorchDevices.Cuda(0));
        Assert.Contains("TorchSharp-cuda", e.Message, StringComparison.Ordinal);
        Assert.Contains("LeWm.Onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_NegativeIndex_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchDevices.Cuda(-1));
}
