namespace LeWm.Inference;

/// <summary>The kind of processor a backend runs on.</summary>
public enum ComputeDeviceKind
{
    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through CUDA (the application supplies the CUDA runtime of the backend).</summary>
    Cuda,
}

/// <summary>Where a backend runs: the CPU, or CUDA device <see cref="Index"/>.</summary>
/// <param name="Kind">The kind of processor.</param>
/// <param name="Index">The CUDA device ordinal; 0 for the CPU.</param>
public readonly record struct ComputeDevice(ComputeDeviceKind Kind, int Index)
{
    /// <summary>The CPU.</summary>
    public static ComputeDevice Cpu => new(ComputeDeviceKind.Cpu, 0);

    /// <summary>CUDA device <paramref name="index"/>.</summary>
    /// <param name="index">The device ordinal, zero or more.</param>
    /// <returns>The device.</returns>
    public static ComputeDevice Cuda(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new ComputeDevice(ComputeDeviceKind.Cuda, index);
    }

    /// <summary>Returns <c>cpu</c> or <c>cuda:N</c>, the spelling PyTorch uses.</summary>
    public override string ToString() => Kind == ComputeDeviceKind.Cpu ? "cpu" : $"cuda:{Index}";
}
