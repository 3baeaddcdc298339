using static TorchSharp.torch;

namespace LeWm.Onnx.Export.Graph;

/// <summary>
/// PyTorch layers written as ONNX subgraphs, their weights taken from a state dict by key: <c>nn.Linear</c>,
/// <c>nn.LayerNorm</c>, <c>nn.Conv1d</c> and exact GELU.
/// </summary>
public static class OnnxLayers
{
    private static readonly float s_inverseSqrt2 = (float)(1.0 / Math.Sqrt(2.0));

    /// <summary>
    /// Exact GELU as opset 17 has no Gelu operator: <c>0.5 · x · (1 + erf(x / √2))</c> (PyTorch's
    /// <c>gelu(approximate='none')</c>).
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input.</param>
    /// <returns>GELU(x).</returns>
    public static OnnxValue Gelu(this OnnxGraphBuilder graph, OnnxValue x)
    {
        ArgumentNullException.ThrowIfNull(graph);
        OnnxValue erf = graph.Erf(graph.Mul(x, graph.Scalar(s_inverseSqrt2)));
        OnnxValue onePlus = graph.Add(erf, graph.Scalar(1f));
        return graph.Mul(graph.Mul(x, onePlus), graph.Scalar(0.5f));
    }

    /// <summary>
    /// <c>nn.Linear</c> on the last axis: <c>x · Wᵀ + b</c> as MatMul (with the weight stored transposed,
    /// <c>[in, out]</c>) and Add, so any number of leading axes works.
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input <c>[..., in]</c>.</param>
    /// <param name="state">The state dict.</param>
    /// <param name="prefix">The layer's key prefix (reads <c>{prefix}.weight</c> <c>[out, in]</c> and <c>{prefix}.bias</c> when present).</param>
    /// <returns>The output <c>[..., out]</c>.</returns>
    public static OnnxValue Linear(this OnnxGraphBuilder graph, OnnxValue x, IReadOnlyDictionary<string, Tensor> state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var scope = NewDisposeScope();
        Tensor weight = Require(state, $"{prefix}.weight", 2);
        OnnxValue transposed = graph.Initializer($"{prefix}.weight.T", weight.t());
        OnnxValue y = graph.MatMul(x, transposed);
        return state.TryGetValue($"{prefix}.bias", out Tensor? bias) ? graph.Add(y, graph.Initializer($"{prefix}.bias", bias)) : y;
    }

    /// <summary><c>nn.LayerNorm</c> over the last axis (weights <c>{prefix}.weight</c>, <c>{prefix}.bias</c>).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input <c>[..., dim]</c>.</param>
    /// <param name="state">The state dict.</param>
    /// <param name="prefix">The layer's key prefix.</param>
    /// <param name="epsilon">ε (PyTorch's default is 1e-5; Vocos uses 1e-6).</param>
    /// <returns>The normalised values.</returns>
    public static OnnxValue LayerNorm(this OnnxGraphBuilder graph, OnnxValue x, IReadOnlyDictionary<string, Tensor> state, string prefix, float epsilon)
    {
        ArgumentNullException.ThrowIfNull(graph);
        OnnxValue scale = graph.Initializer($"{prefix}.weight", Require(state, $"{prefix}.weight", 1));
        OnnxValue bias = graph.Initializer($"{prefix}.bias", Require(state, $"{prefix}.bias", 1));
        return graph.LayerNormalization(x, scale, bias, epsilon);
    }

    /// <summary><c>nn.Conv1d</c> with symmetric zero padding (weights <c>{prefix}.weight</c> <c>[out, in / groups, k]</c>, <c>{prefix}.bias</c> when present).</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="x">The input <c>[N, in, L]</c>.</param>
    /// <param name="state">The state dict.</param>
    /// <param name="prefix">The layer's key prefix.</param>
    /// <param name="padding">Zeros added at both ends.</param>
    /// <param name="groups">Channel groups.</param>
    /// <returns>The output <c>[N, out, L']</c>.</returns>
    public static OnnxValue Conv1d(this OnnxGraphBuilder graph, OnnxValue x, IReadOnlyDictionary<string, Tensor> state, string prefix, long padding, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(graph);
        OnnxValue weight = graph.Initializer($"{prefix}.weight", Require(state, $"{prefix}.weight", 3));
        OnnxValue? bias = state.TryGetValue($"{prefix}.bias", out Tensor? b) ? graph.Initializer($"{prefix}.bias", b) : null;
        return graph.Conv(x, weight, bias, [padding, padding], groups);
    }

    /// <summary>Returns the tensor at <paramref name="key"/>, checking that it exists and has <paramref name="rank"/> axes.</summary>
    /// <param name="state">The state dict.</param>
    /// <param name="key">The key.</param>
    /// <param name="rank">The expected number of axes.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="KeyNotFoundException">The key is missing.</exception>
    /// <exception cref="ArgumentException">The tensor has another rank.</exception>
    public static Tensor Require(IReadOnlyDictionary<string, Tensor> state, string key, int rank)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue(key, out Tensor? tensor))
        {
            throw new KeyNotFoundException($"The state dict has no '{key}'.");
        }

        if (tensor.dim() != rank)
        {
            throw new ArgumentException($"Tensor '{key}' is [{string.Join(", ", tensor.shape)}]; expected {rank} axes.", nameof(key));
        }

        return tensor;
    }
}
