namespace LeWm.Audio.IO;

/// <summary>A float32 array with its shape, as read from or written to a <c>.npy</c> file (C order).</summary>
/// <param name="Data">The values in C (row-major) order.</param>
/// <param name="Shape">The dimensions; their product is <c>Data.Length</c>.</param>
public sealed record NpyArray(float[] Data, int[] Shape);
