using Onnx;

namespace LeWm.Onnx.Export.Graph;

/// <summary>Makes the attributes of ONNX nodes (integers, integer lists, floats, float lists, strings).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The methods are named after the ONNX attribute types they make (INT, INTS, FLOAT, STRING).")]
public static class NodeAttributes
{
    /// <summary>An integer attribute.</summary>
    /// <param name="name">The attribute name, as the operator's specification spells it.</param>
    /// <param name="value">The value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A list-of-integers attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="values">The values.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Ints(string name, params ReadOnlySpan<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        foreach (long value in values)
        {
            attribute.Ints.Add(value);
        }

        return attribute;
    }

    /// <summary>A float attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A string attribute (UTF-8).</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) };

    /// <summary>A tensor attribute (e.g. <c>ConstantOfShape</c>'s one-element <c>value</c>).</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The tensor.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Tensor(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
}
