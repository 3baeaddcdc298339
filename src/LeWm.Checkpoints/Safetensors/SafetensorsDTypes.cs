using TorchSharp;

namespace LeWm.Checkpoints.Safetensors;

/// <summary>The safetensors dtype names (<c>F32</c>, <c>BF16</c>, <c>I64</c>, ...) of the element types TorchSharp can hold.</summary>
internal static class SafetensorsDTypes
{
    /// <summary>Returns the safetensors name of <paramref name="type"/>, or null when safetensors files here cannot hold it.</summary>
    public static string? Name(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float64 => "F64",
        torch.ScalarType.Float32 => "F32",
        torch.ScalarType.Float16 => "F16",
        torch.ScalarType.BFloat16 => "BF16",
        torch.ScalarType.Int64 => "I64",
        torch.ScalarType.Int32 => "I32",
        torch.ScalarType.Int16 => "I16",
        torch.ScalarType.Int8 => "I8",
        torch.ScalarType.Byte => "U8",
        torch.ScalarType.Bool => "BOOL",
        _ => null,
    };

    /// <summary>Returns the element type a safetensors dtype name stands for, or null when it is not supported.</summary>
    public static torch.ScalarType? Parse(string name) => name switch
    {
        "F64" => torch.ScalarType.Float64,
        "F32" => torch.ScalarType.Float32,
        "F16" => torch.ScalarType.Float16,
        "BF16" => torch.ScalarType.BFloat16,
        "I64" => torch.ScalarType.Int64,
        "I32" => torch.ScalarType.Int32,
        "I16" => torch.ScalarType.Int16,
        "I8" => torch.ScalarType.Int8,
        "U8" => torch.ScalarType.Byte,
        "BOOL" => torch.ScalarType.Bool,
        _ => null,
    };
}
