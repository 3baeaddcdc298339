using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export.Graph;

/// <summary>
/// Sequence helpers of LeWm.Model as subgraphs: length masks of right-padded batches and the interleaved sinusoidal
/// positions <c>PE[p, 2i] = sin(p·ωᵢ)</c>, <c>PE[p, 2i+1] = cos(p·ωᵢ)</c>, <c>ωᵢ = 10000^(−2i/d)</c>.
/// </summary>
public static class OnnxSequences
{
    private const double PositionBase = 10000.0;

    /// <summary>0, 1, …, size − 1 (int64) for a scalar int64 <paramref name="size"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="size">The scalar size.</param>
    /// <returns>The 1-D positions.</returns>
    public static OnnxValue Positions(this OnnxGraphBuilder graph, OnnxValue size)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Range(graph.Int64Scalar(0), size, graph.Int64Scalar(1));
    }

    /// <summary>The scalar size of axis <paramref name="axis"/> of <paramref name="x"/> (int64).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis.</param>
    /// <returns>The size.</returns>
    public static OnnxValue SizeOf(this OnnxGraphBuilder graph, OnnxValue x, long axis)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Gather(graph.Shape(x), graph.Int64Scalar(axis));
    }

    /// <summary>lengths <c>[B]</c> (int64) → <c>[B, size]</c> bool, true on positions below each length.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="lengths">The lengths.</param>
    /// <param name="size">The scalar int64 size of the padded axis.</param>
    /// <returns>The mask.</returns>
    public static OnnxValue SequenceMask(this OnnxGraphBuilder graph, OnnxValue lengths, OnnxValue size)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Less(graph.Unsqueeze(graph.Positions(size), 0), graph.Unsqueeze(lengths, 1));
    }

    /// <summary>1-D positions <c>[P]</c> (int64) → <c>[P, dimension]</c> float32 sinusoidal positions.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="positions">The positions.</param>
    /// <param name="dimension">d, even.</param>
    /// <returns>The position encodings.</returns>
    public static OnnxValue SinusoidalPositions(this OnnxGraphBuilder graph, OnnxValue positions, long dimension)
    {
        ArgumentNullException.ThrowIfNull(graph);
        float[] frequencies;
        using (var scope = NewDisposeScope())
        {
            // The same float32 arithmetic as LeWm.Model, so the frequencies are bit-identical.
            Tensor i = torch.arange(0, dimension, 2, dtype: ScalarType.Float32);
            frequencies = torch.exp(i.mul(-Math.Log(PositionBase) / dimension)).data<float>().ToArray();
        }

        OnnxValue frequency = graph.Initializer($"sinusoid_frequencies_{graph.NodeCount}", frequencies, frequencies.Length);
        OnnxValue angles = graph.Mul(graph.Unsqueeze(graph.Cast(positions, TensorProto.Types.DataType.Float), 1), frequency);
        OnnxValue pairs = graph.Concat(-1, graph.Unsqueeze(graph.Sin(angles), -1), graph.Unsqueeze(graph.Cos(angles), -1));
        return graph.Reshape(pairs, -1, dimension);
    }

    /// <summary>Zeroes <c>x [B, C, T]</c> (float32) beyond each item's length <c>[B]</c> (int64).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The values.</param>
    /// <param name="lengths">The lengths.</param>
    /// <returns>The masked values.</returns>
    public static OnnxValue ZeroPastLength(this OnnxGraphBuilder graph, OnnxValue x, OnnxValue lengths)
    {
        ArgumentNullException.ThrowIfNull(graph);
        OnnxValue mask = graph.SequenceMask(lengths, graph.SizeOf(x, 2));
        return graph.Mul(x, graph.Unsqueeze(graph.Cast(mask, TensorProto.Types.DataType.Float), 1));
    }
}
