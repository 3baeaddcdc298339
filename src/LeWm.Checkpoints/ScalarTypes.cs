using TorchSharp;

namespace LeWm.Checkpoints;

/// <summary>Facts about the element types a checkpoint may hold: size in bytes, kind, and the name PyTorch prints.</summary>
internal static class ScalarTypes
{
    /// <summary>Returns the size of one element in bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The type is not one a checkpoint in this package may hold.</exception>
    public static int ElementSize(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool or torch.ScalarType.Byte or torch.ScalarType.Int8 => 1,
        torch.ScalarType.Int16 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
        torch.ScalarType.Int32 or torch.ScalarType.Float32 => 4,
        torch.ScalarType.Int64 or torch.ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Checkpoints hold bool, integer and real floating-point tensors only."),
    };

    /// <summary>Returns whether values of this type are real floating-point numbers.</summary>
    public static bool IsFloatingPoint(torch.ScalarType type) =>
        type is torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Float32 or torch.ScalarType.Float64;

    /// <summary>Returns the name PyTorch uses for the type (<c>float32</c>, <c>int64</c>), for messages.</summary>
    public static string Name(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool => "bool",
        torch.ScalarType.Byte => "uint8",
        torch.ScalarType.Int8 => "int8",
        torch.ScalarType.Int16 => "int16",
        torch.ScalarType.Int32 => "int32",
        torch.ScalarType.Int64 => "int64",
        torch.ScalarType.Float16 => "float16",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.Float64 => "float64",
        _ => type.ToString(),
    };
}
