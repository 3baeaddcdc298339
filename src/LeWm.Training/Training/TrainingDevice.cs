namespace LeWm.Training;

/// <summary>Where training runs.</summary>
public enum TrainingDevice
{
    /// <summary>The CPU (deterministic given the seed).</summary>
    Cpu,

    /// <summary>The first CUDA GPU (needs a TorchSharp CUDA runtime package in the application).</summary>
    Cuda,
}
