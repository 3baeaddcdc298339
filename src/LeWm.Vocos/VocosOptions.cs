using LeWm.Inference;

namespace LeWm.Vocos;

/// <summary>How a <see cref="VocosVocoder"/> runs.</summary>
public sealed record VocosOptions
{
    /// <summary>
    /// Where to run. Default <see cref="ComputeDevice.Cpu"/>. CUDA needs a TorchSharp CUDA runtime package in the
    /// application (not served on every feed); on CUDA the network runs in float16.
    /// </summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>
    /// Mels longer than this many frames are processed in overlapping chunks (bounded memory; the output equals the
    /// one-shot output up to float rounding). Default 2048 frames (≈ 22 s at 24 kHz).
    /// </summary>
    public int ChunkFrames { get; init; } = 2048;

    /// <summary>
    /// Frames of context on each side of a chunk; at least the backbone's receptive field (3 frames per convolution
    /// layer: 27 for 8 blocks). Default 32.
    /// </summary>
    public int ChunkContextFrames { get; init; } = 32;

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (ChunkFrames < 16)
        {
            problems.Add($"ChunkFrames must be at least 16 (got {ChunkFrames}).");
        }

        if (ChunkContextFrames < 0 || ChunkContextFrames >= ChunkFrames)
        {
            problems.Add($"ChunkContextFrames must be in [0, ChunkFrames) (got {ChunkContextFrames}).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Vocos options: " + string.Join(" ", problems));
        }
    }
}
