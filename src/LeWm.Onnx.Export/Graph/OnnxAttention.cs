namespace LeWm.Onnx.Export.Graph;

/// <summary>
/// Multi-head scaled dot-product attention as LeWm.Model computes it: heads split from contiguous feature blocks,
/// scores scaled by 1/√dh, disallowed scores set to the lowest finite float32 (so a row never turns NaN), softmax
/// over the keys, no attention dropout.
/// </summary>
public static class OnnxAttention
{
    /// <summary><c>[B, T, H·dh]</c> → <c>[B, H, T, dh]</c>; head h is the block of features h·dh … (h+1)·dh − 1.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The projected values <c>[B, T, d]</c>.</param>
    /// <param name="heads">H.</param>
    /// <param name="headDimension">dh = d / H.</param>
    /// <returns>The per-head values.</returns>
    public static OnnxValue SplitHeads(this OnnxGraphBuilder graph, OnnxValue x, long heads, long headDimension)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Transpose(graph.Reshape(x, 0, 0, heads, headDimension), 0, 2, 1, 3);
    }

    /// <summary><c>[B, H, T, dh]</c> → <c>[B, T, H·dh]</c>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The per-head values.</param>
    /// <param name="modelDimension">H·dh.</param>
    /// <returns>The merged values.</returns>
    public static OnnxValue MergeHeads(this OnnxGraphBuilder graph, OnnxValue x, long modelDimension)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Reshape(graph.Transpose(x, 0, 2, 1, 3), 0, 0, modelDimension);
    }

    /// <summary>
    /// softmax(where(allowed, q·kᵀ/√dh, lowest)) · v with q <c>[B, H, Tq, dh]</c>, k and v <c>[B, H, Tk, dh]</c> and
    /// <paramref name="allowed"/> a bool mask broadcastable to <c>[B, H, Tq, Tk]</c>.
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <param name="q">The queries.</param>
    /// <param name="k">The keys.</param>
    /// <param name="v">The values.</param>
    /// <param name="allowed">Where a query may look.</param>
    /// <param name="headDimension">dh.</param>
    /// <returns><c>[B, H, Tq, dh]</c>.</returns>
    public static OnnxValue Attend(this OnnxGraphBuilder graph, OnnxValue q, OnnxValue k, OnnxValue v, OnnxValue allowed, long headDimension)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var scale = (float)Math.Pow(headDimension, -0.5);
        OnnxValue scores = graph.Mul(graph.MatMul(q, graph.Transpose(k, 0, 1, 3, 2)), graph.Scalar(scale));
        scores = graph.Where(allowed, scores, graph.Scalar(float.MinValue));
        return graph.MatMul(graph.Softmax(scores, -1), v);
    }
}
