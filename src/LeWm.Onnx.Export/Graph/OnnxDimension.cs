namespace LeWm.Onnx.Export.Graph;

/// <summary>One dimension of a graph input's or output's declared shape: a fixed size or a named dynamic axis.</summary>
public readonly record struct OnnxDimension
{
    private OnnxDimension(long size, string? name)
    {
        Size = size;
        Name = name;
    }

    /// <summary>The fixed size; 0 when the dimension is dynamic.</summary>
    public long Size { get; }

    /// <summary>The dynamic axis' name (e.g. <c>batch</c>, <c>frames</c>); null when the size is fixed.</summary>
    public string? Name { get; }

    /// <summary>Whether the dimension is a named dynamic axis.</summary>
    public bool IsDynamic => Name is not null;

    /// <summary>The dynamic batch axis, named <c>batch</c>.</summary>
    public static OnnxDimension Batch => Dynamic("batch");

    /// <summary>The dynamic time axis, named <c>frames</c>.</summary>
    public static OnnxDimension Frames => Dynamic("frames");

    /// <summary>A fixed size.</summary>
    /// <param name="size">The size, positive.</param>
    /// <returns>The dimension.</returns>
    public static OnnxDimension Fixed(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return new OnnxDimension(size, null);
    }

    /// <summary>A dynamic axis; axes with the same name must have the same size at run time.</summary>
    /// <param name="name">The axis name.</param>
    /// <returns>The dimension.</returns>
    public static OnnxDimension Dynamic(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new OnnxDimension(0, name);
    }

    /// <summary>A fixed size.</summary>
    /// <param name="size">The size, positive.</param>
    public static implicit operator OnnxDimension(long size) => Fixed(size);

    /// <summary>A fixed size (for <see cref="long"/>-less call sites).</summary>
    /// <param name="size">The size, positive.</param>
    /// <returns>The dimension.</returns>
    public static OnnxDimension FromInt64(long size) => Fixed(size);

    /// <summary>Returns the size or the axis name.</summary>
    public override string ToString() => Name ?? Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
