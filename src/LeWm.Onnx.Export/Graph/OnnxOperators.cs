using Onnx;

namespace LeWm.Onnx.Export.Graph;

/// <summary>
/// The ONNX operators (opset 17) the exporters use, one method per operator, each adding one node. Semantics are the
/// ONNX specification's; argument names follow it.
/// </summary>
public static class OnnxOperators
{
    /// <summary><c>Add</c>: a + b with broadcasting.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <returns>The sum.</returns>
    public static OnnxValue Add(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "Add", a, b);

    /// <summary><c>Sub</c>: a − b with broadcasting.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <returns>The difference.</returns>
    public static OnnxValue Sub(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "Sub", a, b);

    /// <summary><c>Mul</c>: a · b element-wise with broadcasting.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <returns>The product.</returns>
    public static OnnxValue Mul(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "Mul", a, b);

    /// <summary><c>Div</c>: a / b element-wise with broadcasting.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>The quotient.</returns>
    public static OnnxValue Div(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "Div", a, b);

    /// <summary><c>Min</c>: element-wise minimum with broadcasting.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <returns>min(a, b).</returns>
    public static OnnxValue Min(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "Min", a, b);

    /// <summary><c>Max</c>: element-wise maximum with broadcasting.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <returns>max(a, b).</returns>
    public static OnnxValue Max(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "Max", a, b);

    /// <summary><c>MatMul</c>: NumPy matrix product (batched over leading axes).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The left operand <c>[..., M, K]</c>.</param>
    /// <param name="b">The right operand <c>[..., K, N]</c>.</param>
    /// <returns>The product <c>[..., M, N]</c>.</returns>
    public static OnnxValue MatMul(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "MatMul", a, b);

    /// <summary><c>Gemm</c>: α · op(A) · op(B) + β · C for 2-D A and B.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">A, <c>[M, K]</c> (or <c>[K, M]</c> with <paramref name="transposeA"/>).</param>
    /// <param name="b">B, <c>[K, N]</c> (or <c>[N, K]</c> with <paramref name="transposeB"/>, PyTorch's Linear weight layout).</param>
    /// <param name="c">C, broadcastable to <c>[M, N]</c>.</param>
    /// <param name="transposeA">Whether to transpose A.</param>
    /// <param name="transposeB">Whether to transpose B.</param>
    /// <returns>The result <c>[M, N]</c>.</returns>
    public static OnnxValue Gemm(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b, OnnxValue c, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Gemm", [a, b, c], 1, NodeAttributes.Int("transA", transposeA ? 1 : 0), NodeAttributes.Int("transB", transposeB ? 1 : 0))[0];
    }

    /// <summary><c>Conv</c> over the trailing axes of <c>[N, C, ...]</c>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input <c>[N, C_in, L]</c> (1-D) or with more spatial axes.</param>
    /// <param name="weight">The kernel <c>[C_out, C_in / groups, k...]</c>.</param>
    /// <param name="bias">The bias <c>[C_out]</c>, or null.</param>
    /// <param name="pads">Zero padding, begins then ends per spatial axis (e.g. <c>[3, 3]</c>).</param>
    /// <param name="groups">Channel groups (C_in for depthwise).</param>
    /// <param name="strides">Strides per spatial axis; ones when null.</param>
    /// <param name="dilations">Dilations per spatial axis; ones when null.</param>
    /// <returns>The output <c>[N, C_out, L']</c>.</returns>
    public static OnnxValue Conv(this OnnxGraphBuilder graph, OnnxValue x, OnnxValue weight, OnnxValue? bias, long[] pads, long groups = 1, long[]? strides = null, long[]? dilations = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(pads);
        return graph.Node("Conv", bias is { } b ? [x, weight, b] : [x, weight], 1, ConvAttributes(pads, groups, strides, dilations, null))[0];
    }

    /// <summary><c>ConvTranspose</c> over the trailing axes of <c>[N, C, ...]</c>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input <c>[N, C_in, L]</c>.</param>
    /// <param name="weight">The kernel <c>[C_in, C_out / groups, k...]</c> (PyTorch's ConvTranspose layout).</param>
    /// <param name="bias">The bias <c>[C_out]</c>, or null.</param>
    /// <param name="pads">Padding removed from the output, begins then ends per spatial axis.</param>
    /// <param name="strides">Strides per spatial axis.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="outputPadding">Extra size added to one side of the output per spatial axis; zeros when null.</param>
    /// <returns>The output <c>[N, C_out, L']</c>.</returns>
    public static OnnxValue ConvTranspose(this OnnxGraphBuilder graph, OnnxValue x, OnnxValue weight, OnnxValue? bias, long[] pads, long[] strides, long groups = 1, long[]? outputPadding = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(pads);
        ArgumentNullException.ThrowIfNull(strides);
        return graph.Node("ConvTranspose", bias is { } b ? [x, weight, b] : [x, weight], 1, ConvAttributes(pads, groups, strides, null, outputPadding))[0];
    }

    /// <summary><c>LayerNormalization</c> over the axes from <paramref name="axis"/> on: (x − mean) / √(var + ε) · scale + bias.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="scale">γ, the shape of the normalised axes.</param>
    /// <param name="bias">β, the same shape.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="axis">The first normalised axis; −1 for the last axis only.</param>
    /// <returns>The normalised values.</returns>
    public static OnnxValue LayerNormalization(this OnnxGraphBuilder graph, OnnxValue x, OnnxValue scale, OnnxValue bias, float epsilon, long axis = -1)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("LayerNormalization", [x, scale, bias], 1, NodeAttributes.Int("axis", axis), NodeAttributes.Float("epsilon", epsilon))[0];
    }

    /// <summary><c>Transpose</c> by <paramref name="perm"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="perm">Output axis i is input axis perm[i].</param>
    /// <returns>The transposed values.</returns>
    public static OnnxValue Transpose(this OnnxGraphBuilder graph, OnnxValue x, params long[] perm)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Transpose", [x], 1, NodeAttributes.Ints("perm", perm))[0];
    }

    /// <summary><c>Reshape</c> to <paramref name="shape"/> (0 copies the input's size on that axis, −1 infers one axis).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="shape">The target shape.</param>
    /// <returns>The reshaped values.</returns>
    public static OnnxValue Reshape(this OnnxGraphBuilder graph, OnnxValue x, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return Single(graph, "Reshape", x, graph.Int64s(null, shape));
    }

    /// <summary><c>Softmax</c> along <paramref name="axis"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The logits.</param>
    /// <param name="axis">The axis; −1 for the last.</param>
    /// <returns>The probabilities.</returns>
    public static OnnxValue Softmax(this OnnxGraphBuilder graph, OnnxValue x, long axis = -1)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Softmax", [x], 1, NodeAttributes.Int("axis", axis))[0];
    }

    /// <summary><c>Concat</c> along <paramref name="axis"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="axis">The axis.</param>
    /// <param name="values">The values, equal in every other axis.</param>
    /// <returns>The concatenation.</returns>
    public static OnnxValue Concat(this OnnxGraphBuilder graph, long axis, params OnnxValue[] values)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Concat", values, 1, NodeAttributes.Int("axis", axis))[0];
    }

    /// <summary><c>Slice</c>: elements [start, end) of <paramref name="axis"/> (ends past the size clamp; negative counts from the end).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="axis">The axis.</param>
    /// <param name="start">The first index.</param>
    /// <param name="end">One past the last index.</param>
    /// <returns>The slice.</returns>
    public static OnnxValue Slice(this OnnxGraphBuilder graph, OnnxValue x, long axis, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Slice", [x, graph.Int64s(null, start), graph.Int64s(null, end), graph.Int64s(null, axis)])[0];
    }

    /// <summary><c>Unsqueeze</c>: inserts size-1 axes.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="axes">The new axes' positions in the output.</param>
    /// <returns>The expanded values.</returns>
    public static OnnxValue Unsqueeze(this OnnxGraphBuilder graph, OnnxValue x, params long[] axes)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return Single(graph, "Unsqueeze", x, graph.Int64s(null, axes));
    }

    /// <summary><c>Squeeze</c>: removes size-1 axes.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="axes">The axes to remove.</param>
    /// <returns>The squeezed values.</returns>
    public static OnnxValue Squeeze(this OnnxGraphBuilder graph, OnnxValue x, params long[] axes)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return Single(graph, "Squeeze", x, graph.Int64s(null, axes));
    }

    /// <summary><c>ReduceMean</c> over <paramref name="axes"/> (opset 17: axes as an attribute).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="keepDims">Whether reduced axes stay as size 1.</param>
    /// <param name="axes">The axes.</param>
    /// <returns>The means.</returns>
    public static OnnxValue ReduceMean(this OnnxGraphBuilder graph, OnnxValue x, bool keepDims, params long[] axes)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("ReduceMean", [x], 1, NodeAttributes.Ints("axes", axes), NodeAttributes.Int("keepdims", keepDims ? 1 : 0))[0];
    }

    /// <summary><c>Erf</c>: the error function, element-wise.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>erf(x).</returns>
    public static OnnxValue Erf(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Erf", x);

    /// <summary><c>Exp</c>, element-wise.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>eˣ.</returns>
    public static OnnxValue Exp(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Exp", x);

    /// <summary><c>Cos</c>, element-wise.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input (radians).</param>
    /// <returns>cos(x).</returns>
    public static OnnxValue Cos(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Cos", x);

    /// <summary><c>Sin</c>, element-wise.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input (radians).</param>
    /// <returns>sin(x).</returns>
    public static OnnxValue Sin(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Sin", x);

    /// <summary><c>Sqrt</c>, element-wise.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>√x.</returns>
    public static OnnxValue Sqrt(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Sqrt", x);

    /// <summary><c>Sigmoid</c>, element-wise.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>1 / (1 + e⁻ˣ).</returns>
    public static OnnxValue Sigmoid(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Sigmoid", x);

    /// <summary><c>Tanh</c>, element-wise.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>tanh(x).</returns>
    public static OnnxValue Tanh(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Tanh", x);

    /// <summary><c>Relu</c>, element-wise.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>max(x, 0).</returns>
    public static OnnxValue Relu(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Relu", x);

    /// <summary><c>Where</c>: condition ? a : b element-wise with broadcasting.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="condition">The bool condition.</param>
    /// <param name="a">The values where the condition holds.</param>
    /// <param name="b">The values where it does not.</param>
    /// <returns>The selection.</returns>
    public static OnnxValue Where(this OnnxGraphBuilder graph, OnnxValue condition, OnnxValue a, OnnxValue b) => Single(graph, "Where", condition, a, b);

    /// <summary><c>Gather</c>: rows of <paramref name="data"/> picked by <paramref name="indices"/> along <paramref name="axis"/> (an embedding lookup on axis 0).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="data">The table.</param>
    /// <param name="indices">The int64 indices, any shape; the output has their shape in place of <paramref name="axis"/>.</param>
    /// <param name="axis">The axis.</param>
    /// <returns>The gathered values.</returns>
    public static OnnxValue Gather(this OnnxGraphBuilder graph, OnnxValue data, OnnxValue indices, long axis = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Gather", [data, indices], 1, NodeAttributes.Int("axis", axis))[0];
    }

    /// <summary><c>Cast</c> to <paramref name="to"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="to">The element type.</param>
    /// <returns>The converted values.</returns>
    public static OnnxValue Cast(this OnnxGraphBuilder graph, OnnxValue x, TensorProto.Types.DataType to)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Cast", [x], 1, NodeAttributes.Int("to", (long)to))[0];
    }

    /// <summary><c>Less</c>: a &lt; b element-wise with broadcasting (bool).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <returns>The comparison.</returns>
    public static OnnxValue Less(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "Less", a, b);

    /// <summary><c>Range</c>: start, start + delta, … below limit (scalars of one type; a 1-D result).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="start">The first value (scalar).</param>
    /// <param name="limit">The exclusive bound (scalar).</param>
    /// <param name="delta">The step (scalar).</param>
    /// <returns>The sequence.</returns>
    public static OnnxValue Range(this OnnxGraphBuilder graph, OnnxValue start, OnnxValue limit, OnnxValue delta) => Single(graph, "Range", start, limit, delta);

    /// <summary><c>Shape</c>: the input's shape as a 1-D int64 tensor.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>The shape.</returns>
    public static OnnxValue Shape(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Shape", x);

    /// <summary><c>ConstantOfShape</c>: a tensor of the 1-D int64 <paramref name="shape"/> filled with bool true.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The all-true tensor.</returns>
    public static OnnxValue TrueOfShape(this OnnxGraphBuilder graph, OnnxValue shape)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var value = new TensorProto { DataType = (int)TensorProto.Types.DataType.Bool };
        value.Dims.Add(1);
        value.Int32Data.Add(1);
        return graph.Node("ConstantOfShape", [shape], 1, NodeAttributes.Tensor("value", value))[0];
    }

    /// <summary><c>Not</c>: logical negation of a bool tensor.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>¬x.</returns>
    public static OnnxValue Not(this OnnxGraphBuilder graph, OnnxValue x) => Single(graph, "Not", x);

    /// <summary><c>Mod</c> with integer semantics (fmod = 0: the result takes the divisor's sign).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>a mod b.</returns>
    public static OnnxValue Mod(this OnnxGraphBuilder graph, OnnxValue a, OnnxValue b) => Single(graph, "Mod", a, b);

    /// <summary><c>Pad</c> with zeros (mode constant): <paramref name="pads"/> is 1-D int64, the begins of every axis then the ends.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <param name="pads">The amounts, <c>[2 · rank]</c>.</param>
    /// <returns>The padded values.</returns>
    public static OnnxValue Pad(this OnnxGraphBuilder graph, OnnxValue x, OnnxValue pads) => Single(graph, "Pad", x, pads);

    private static OnnxValue Single(OnnxGraphBuilder graph, string opType, params ReadOnlySpan<OnnxValue> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node(opType, inputs)[0];
    }

    private static AttributeProto[] ConvAttributes(long[] pads, long groups, long[]? strides, long[]? dilations, long[]? outputPadding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (pads.Length == 0 || pads.Length % 2 != 0)
        {
            throw new ArgumentException($"pads must list a begin and an end per spatial axis (got {pads.Length} values).", nameof(pads));
        }

        int axes = pads.Length / 2;
        var attributes = new List<AttributeProto>
        {
            NodeAttributes.Ints("pads", pads),
            NodeAttributes.Int("group", groups),
            NodeAttributes.Ints("strides", strides ?? Enumerable.Repeat(1L, axes).ToArray()),
        };
        if (dilations is not null)
        {
            attributes.Add(NodeAttributes.Ints("dilations", dilations));
        }

        if (outputPadding is not null)
        {
            attributes.Add(NodeAttributes.Ints("output_padding", outputPadding));
        }

        return [.. attributes];
    }
}
