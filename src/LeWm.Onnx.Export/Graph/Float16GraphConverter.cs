using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace LeWm.Onnx.Export.Graph;

/// <summary>
/// Turns a float32 graph into a float16 one for GPUs: float32 initializers, constants, casts and intermediate values
/// become float16, and the graph's edges stay float32 — each float32 input is cast to float16 where it enters and
/// each float32 output is cast back where it leaves — so a backend feeds and reads the graph exactly as the float32
/// export (same names, types and shapes). Values beyond float16's range are clamped to ±65 504 (the attention masks'
/// lowest finite float32 becomes float16's lowest finite value).
/// </summary>
internal static class Float16GraphConverter
{
    private const int Float32Type = (int)TensorProto.Types.DataType.Float;
    private const int Float16Type = (int)TensorProto.Types.DataType.Float16;

    /// <summary>Returns a float16 copy of <paramref name="model"/>; the input is not changed.</summary>
    /// <param name="model">A float32 model built by <see cref="OnnxGraphBuilder"/>.</param>
    /// <returns>The converted model.</returns>
    public static ModelProto Convert(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto converted = model.Clone();
        GraphProto graph = converted.Graph;

        foreach (TensorProto initializer in graph.Initializer)
        {
            ToHalf(initializer);
        }

        foreach (ValueInfoProto info in graph.ValueInfo)
        {
            ToHalf(info);
        }

        foreach (NodeProto node in graph.Node)
        {
            foreach (AttributeProto attribute in node.Attribute)
            {
                if (node.OpType == "Cast" && attribute.Name == "to" && attribute.I == Float32Type)
                {
                    attribute.I = Float16Type;
                }
                else if (attribute.T is not null && attribute.T.DataType == Float32Type)
                {
                    ToHalf(attribute.T);
                }
            }
        }

        var entry = new List<NodeProto>();
        foreach (ValueInfoProto input in graph.Input.Where(IsFloat))
        {
            string inside = input.Name + "_fp16";
            Rename(graph, input.Name, inside, outputsToo: false);
            entry.Add(CastNode(input.Name, inside, Float16Type));
        }

        foreach (ValueInfoProto output in graph.Output.Where(IsFloat))
        {
            string inside = output.Name + "_fp16";
            Rename(graph, output.Name, inside, outputsToo: true);
            graph.Node.Add(CastNode(inside, output.Name, Float32Type));
        }

        for (int i = entry.Count - 1; i >= 0; i--)
        {
            graph.Node.Insert(0, entry[i]);
        }

        return converted;
    }

    private static bool IsFloat(ValueInfoProto info) => info.Type?.TensorType?.ElemType == Float32Type;

    private static void ToHalf(ValueInfoProto info)
    {
        if (IsFloat(info))
        {
            info.Type.TensorType.ElemType = Float16Type;
        }
    }

    private static void ToHalf(TensorProto tensor)
    {
        if (tensor.DataType != Float32Type)
        {
            return;
        }

        float[] values = tensor.RawData.Length > 0 ? ReadRawFloats(tensor.RawData.Span) : [.. tensor.FloatData];
        var raw = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            float clamped = Math.Clamp(values[i], (float)System.Half.MinValue, (float)System.Half.MaxValue);
            BinaryPrimitives.WriteHalfLittleEndian(raw.AsSpan(i * 2), (System.Half)clamped);
        }

        tensor.FloatData.Clear();
        tensor.RawData = ByteString.CopyFrom(raw);
        tensor.DataType = Float16Type;
    }

    private static float[] ReadRawFloats(ReadOnlySpan<byte> raw)
    {
        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
        }

        return values;
    }

    private static void Rename(GraphProto graph, string from, string to, bool outputsToo)
    {
        foreach (NodeProto node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }

            if (outputsToo)
            {
                for (int i = 0; i < node.Output.Count; i++)
                {
                    if (node.Output[i] == from)
                    {
                        node.Output[i] = to;
                    }
                }
            }
        }
    }

    private static NodeProto CastNode(string input, string output, int to)
    {
        var node = new NodeProto { OpType = "Cast", Name = "cast_" + output };
        node.Input.Add(input);
        node.Output.Add(output);
        node.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = to });
        return node;
    }
}
