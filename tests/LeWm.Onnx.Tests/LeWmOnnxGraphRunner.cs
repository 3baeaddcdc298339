using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeWm.Onnx.Tests;

/// <summary>Runs one exported LeWM graph on ONNX Runtime (CPU) with named float, int64 and bool inputs.</summary>
internal sealed class LeWmOnnxGraphRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly List<OrtValue> _inputs = [];
    private readonly List<string> _names = [];

    public LeWmOnnxGraphRunner(string path)
    {
        _session = new InferenceSession(path);
    }

    public IReadOnlyList<string> InputNames => [.. _session.InputMetadata.Keys];

    public IReadOnlyList<string> OutputNames => [.. _session.OutputMetadata.Keys];

    public void Float(string name, float[] data, params long[] shape) => Add(name, data, shape, TensorElementType.Float);

    public void Int64(string name, long[] data, params long[] shape) => Add(name, data, shape, TensorElementType.Int64);

    public void Bool(string name, bool[] data, params long[] shape) => Add(name, data, shape, TensorElementType.Bool);

    /// <summary>Runs the graph on the inputs added since the last run; returns every output's values (bool as 0/1) and shape.</summary>
    public Dictionary<string, (float[] Data, long[] Shape)> Run()
    {
        string[] outputNames = [.. _session.OutputMetadata.Keys];
        using var options = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(options, _names, _inputs, outputNames);
        var result = new Dictionary<string, (float[] Data, long[] Shape)>(StringComparer.Ordinal);
        for (int i = 0; i < outputNames.Length; i++)
        {
            OrtTensorTypeAndShapeInfo info = outputs[i].GetTensorTypeAndShape();
            float[] data = info.ElementDataType switch
            {
                TensorElementType.Float => outputs[i].GetTensorDataAsSpan<float>().ToArray(),
                TensorElementType.Bool => [.. outputs[i].GetTensorDataAsSpan<bool>().ToArray().Select(b => b ? 1f : 0f)],
                TensorElementType.Int64 => [.. outputs[i].GetTensorDataAsSpan<long>().ToArray().Select(v => (float)v)],
                _ => throw new NotSupportedException(info.ElementDataType.ToString()),
            };
            result[outputNames[i]] = (data, info.Shape);
        }

        ClearInputs();
        return result;
    }

    public void Dispose()
    {
        ClearInputs();
        _session.Dispose();
    }

    private void Add<T>(string name, T[] data, long[] shape, TensorElementType type)
        where T : unmanaged
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        Assert.Equal(count, data.Length);
        OrtValue value = count == 0
            ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape)
            : OrtValue.CreateTensorValueFromMemory(data, shape);
        _names.Add(name);
        _inputs.Add(value);
    }

    private void ClearInputs()
    {
        foreach (OrtValue value in _inputs)
        {
            value.Dispose();
        }

        _inputs.Clear();
        _names.Clear();
    }
}
