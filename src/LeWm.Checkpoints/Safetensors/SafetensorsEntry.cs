using TorchSharp;

namespace LeWm.Checkpoints.Safetensors;

/// <summary>One tensor of a safetensors header.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The sizes; empty for a scalar.</param>
/// <param name="Begin">The offset of its first byte, relative to the end of the header.</param>
/// <param name="End">The offset just past its last byte, relative to the end of the header.</param>
internal sealed record SafetensorsEntry(string Name, torch.ScalarType DType, long[] Shape, long Begin, long End);
