namespace LeWm.Onnx.Export.Graph;

/// <summary>A value of a graph under construction: a graph input, an initializer or a node output, by name.</summary>
/// <param name="Name">The value's name, unique in its graph.</param>
public readonly record struct OnnxValue(string Name)
{
    /// <summary>Returns the name.</summary>
    public override string ToString() => Name;
}
