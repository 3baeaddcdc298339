using System.Runtime.InteropServices;
using Google.Protobuf;
using LeWm.Audio.IO;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export.Graph;

/// <summary>
/// Builds one ONNX graph (opset <see cref="Opset"/>, IR version <see cref="IrVersion"/>): typed inputs and outputs
/// with fixed or named dynamic axes, initializers from float arrays or TorchSharp tensors, and nodes. The operators
/// themselves are extension methods (<see cref="OnnxOperators"/>, <see cref="OnnxLayers"/>).
/// </summary>
/// <remarks>
/// Names are unique: initializers keep the name they are given (checkpoint keys read well in a graph viewer), node
/// outputs are named after their operator and a counter. Not thread-safe; one builder per graph.
/// </remarks>
public sealed class OnnxGraphBuilder
{
    /// <summary>The ONNX opset the graphs import: 17, the first with LayerNormalization.</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version written: 8, the level that goes with opset 17 (the widest-supported one that has LayerNormalization).</summary>
    public const int IrVersion = 8;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>Creates an empty graph.</summary>
    /// <param name="name">The graph's name (e.g. <c>vocos</c>).</param>
    public OnnxGraphBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _graph = new GraphProto { Name = name };
    }

    /// <summary>The number of nodes added so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>The number of parameters (initializer elements) added so far.</summary>
    public long ParameterCount { get; private set; }

    /// <summary>Declares a float32 graph input.</summary>
    /// <param name="name">The input's name, as callers pass it to ONNX Runtime.</param>
    /// <param name="shape">The declared shape: fixed sizes and named dynamic axes.</param>
    /// <returns>The input value.</returns>
    public OnnxValue Input(string name, params ReadOnlySpan<OnnxDimension> shape) =>
        Input(name, TensorProto.Types.DataType.Float, shape);

    /// <summary>Declares a graph input of element type <paramref name="elementType"/> (e.g. int64 ids, bool masks).</summary>
    /// <param name="name">The input's name, as callers pass it to ONNX Runtime.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The declared shape: fixed sizes and named dynamic axes.</param>
    /// <returns>The input value.</returns>
    public OnnxValue Input(string name, TensorProto.Types.DataType elementType, params ReadOnlySpan<OnnxDimension> shape)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, elementType, shape));
        return new OnnxValue(name);
    }

    /// <summary>Declares <paramref name="value"/> as a float32 graph output named <paramref name="name"/>.</summary>
    /// <param name="value">The value to expose; renamed through an Identity node when its name differs.</param>
    /// <param name="name">The output's name.</param>
    /// <param name="shape">The declared shape.</param>
    public void Output(OnnxValue value, string name, params ReadOnlySpan<OnnxDimension> shape) =>
        Output(value, name, TensorProto.Types.DataType.Float, shape);

    /// <summary>Declares <paramref name="value"/> as a graph output of element type <paramref name="elementType"/>.</summary>
    /// <param name="value">The value to expose; renamed through an Identity node when its name differs.</param>
    /// <param name="name">The output's name.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The declared shape.</param>
    public void Output(OnnxValue value, string name, TensorProto.Types.DataType elementType, params ReadOnlySpan<OnnxDimension> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (value.Name != name)
        {
            Claim(name);
            var node = new NodeProto { OpType = "Identity", Name = $"{name}/Identity" };
            node.Input.Add(value.Name);
            node.Output.Add(name);
            _graph.Node.Add(node);
        }

        _graph.Output.Add(ValueInfo(name, elementType, shape));
    }

    /// <summary>Adds a float32 initializer (a constant weight) holding <paramref name="data"/>.</summary>
    /// <param name="name">The initializer's name (use the checkpoint key).</param>
    /// <param name="data">The values, row-major.</param>
    /// <param name="dims">The shape; its product must equal the number of values. Empty for a scalar.</param>
    /// <returns>The initializer's value.</returns>
    /// <exception cref="ArgumentException">The shape does not fit the data, or the name is taken.</exception>
    public OnnxValue Initializer(string name, ReadOnlySpan<float> data, params ReadOnlySpan<long> dims)
    {
        long count = 1;
        foreach (long d in dims)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dims));
            count *= d;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Initializer '{name}' has {data.Length} values; shape [{string.Join(", ", dims.ToArray())}] needs {count}.", nameof(dims));
        }

        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims.ToArray());
        tensor.RawData = LittleEndianBytes(data);
        _graph.Initializer.Add(tensor);
        ParameterCount += data.Length;
        return new OnnxValue(name);
    }

    /// <summary>Adds a float32 initializer holding a TorchSharp tensor's values (any device or floating dtype; copied as float32).</summary>
    /// <param name="name">The initializer's name (use the checkpoint key).</param>
    /// <param name="tensor">The tensor; its shape becomes the initializer's.</param>
    /// <returns>The initializer's value.</returns>
    public OnnxValue Initializer(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        Tensor values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        return Initializer(name, values.data<float>().ToArray(), values.shape);
    }

    /// <summary>Adds an int64 initializer (shapes, axes, slice bounds).</summary>
    /// <param name="name">The initializer's name, or null for a generated one.</param>
    /// <param name="values">The values, as a 1-D tensor.</param>
    /// <returns>The initializer's value.</returns>
    public OnnxValue Int64s(string? name, params ReadOnlySpan<long> values)
    {
        name ??= Fresh("const_i64");
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.RawData = LittleEndianBytes(values);
        _graph.Initializer.Add(tensor);
        return new OnnxValue(name);
    }

    /// <summary>Adds an int64 scalar constant (an initializer of shape [], e.g. the bounds of <c>Range</c>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The constant's value.</returns>
    public OnnxValue Int64Scalar(long value)
    {
        string name = Fresh("const_i64");
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.RawData = LittleEndianBytes<long>([value]);
        _graph.Initializer.Add(tensor);
        return new OnnxValue(name);
    }

    /// <summary>Adds a float32 scalar constant (an initializer of shape []).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The constant's value.</returns>
    public OnnxValue Scalar(float value) => Initializer(Fresh("const_f32"), [value]);

    /// <summary>Adds a node and returns its outputs.</summary>
    /// <param name="opType">The operator (default ONNX domain), e.g. <c>MatMul</c>.</param>
    /// <param name="inputs">Its inputs in the operator's order; an empty name marks an omitted optional input.</param>
    /// <param name="outputCount">How many outputs to name.</param>
    /// <param name="attributes">Its attributes (<see cref="NodeAttributes"/>).</param>
    /// <returns>The outputs, named <c>{opType}_{n}</c> (with <c>_{k}</c> for the second and later outputs).</returns>
    public OnnxValue[] Node(string opType, ReadOnlySpan<OnnxValue> inputs, int outputCount = 1, params ReadOnlySpan<AttributeProto> attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputCount);
        string baseName = Fresh(opType);
        var node = new NodeProto { OpType = opType, Name = baseName };
        foreach (OnnxValue input in inputs)
        {
            if (input.Name.Length > 0 && !_names.Contains(input.Name))
            {
                throw new ArgumentException($"Node {baseName} reads '{input.Name}', which is not a value of this graph.", nameof(inputs));
            }

            node.Input.Add(input.Name);
        }

        var outputs = new OnnxValue[outputCount];
        for (int k = 0; k < outputCount; k++)
        {
            string output = k == 0 ? baseName : $"{baseName}_{k}";
            Claim(output);
            node.Output.Add(output);
            outputs[k] = new OnnxValue(output);
        }

        foreach (AttributeProto attribute in attributes)
        {
            node.Attribute.Add(attribute);
        }

        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Wraps the graph in a model: IR version 8, opset 17, producer and metadata.</summary>
    /// <param name="docString">What the graph computes (shown by graph viewers).</param>
    /// <param name="metadata">Extra key-value metadata (e.g. the component kind).</param>
    /// <returns>The model. It shares the builder's graph; build once, after the last node.</returns>
    /// <exception cref="InvalidOperationException">The graph has no input or no output.</exception>
    public ModelProto Build(string docString, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (_graph.Input.Count == 0 || _graph.Output.Count == 0)
        {
            throw new InvalidOperationException($"The graph '{_graph.Name}' needs at least one input and one output before it is built.");
        }

        _graph.DocString = docString ?? string.Empty;
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "LeWm.Onnx.Export",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        foreach ((string key, string value) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (a temporary file in the same folder, then a rename).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The <c>.onnx</c> file; its folder is created when missing.</param>
    public static void Save(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, model.WriteTo);
    }

    private string Fresh(string prefix)
    {
        string name;
        do
        {
            int n = _counters.GetValueOrDefault(prefix);
            _counters[prefix] = n + 1;
            name = $"{prefix}_{n}";
        }
        while (_names.Contains(name));

        return name;
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The graph '{_graph.Name}' already has a value named '{name}'.", nameof(name));
        }
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, ReadOnlySpan<OnnxDimension> shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (OnnxDimension dimension in shape)
        {
            tensorShape.Dim.Add(dimension.IsDynamic
                ? new TensorShapeProto.Types.Dimension { DimParam = dimension.Name }
                : new TensorShapeProto.Types.Dimension { DimValue = dimension.Size });
        }

        var type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = tensorShape },
        };
        return new ValueInfoProto { Name = name, Type = type };
    }

    private static ByteString LittleEndianBytes<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX stores raw tensor data little-endian; exporting on a big-endian machine is not supported.");
        }

        return ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
    }
}
