using System.Globalization;
using LeWm.Onnx.Export.Graph;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export.Acoustic;

/// <summary>
/// The transformer sublayers LeWm.Model's encoder and predictor share, as subgraphs reading the network's state dict
/// (eval mode: dropout is the identity; every LayerNorm has ε = 1e-5).
/// </summary>
internal static class TransformerGraphs
{
    public const float LayerNormEpsilon = 1e-5f;

    public static string Key(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    /// <summary><c>fc2(gelu(fc1(x)))</c> with exact GELU.</summary>
    public static OnnxValue FeedForward(this OnnxGraphBuilder graph, OnnxValue x, IReadOnlyDictionary<string, Tensor> state, string prefix) =>
        graph.Linear(graph.Gelu(graph.Linear(x, state, $"{prefix}.fc1")), state, $"{prefix}.fc2");

    /// <summary>The fused projection <c>{prefix}.qkv</c> of <c>x [B, T, d]</c> split into q, k, v <c>[B, H, T, dh]</c>.</summary>
    public static (OnnxValue Q, OnnxValue K, OnnxValue V) ProjectQkv(
        this OnnxGraphBuilder graph, OnnxValue x, IReadOnlyDictionary<string, Tensor> state, string prefix, long heads, long modelDimension)
    {
        long dh = modelDimension / heads;
        OnnxValue qkv = graph.Linear(x, state, $"{prefix}.qkv");
        OnnxValue q = graph.SplitHeads(graph.Slice(qkv, -1, 0, modelDimension), heads, dh);
        OnnxValue k = graph.SplitHeads(graph.Slice(qkv, -1, modelDimension, 2 * modelDimension), heads, dh);
        OnnxValue v = graph.SplitHeads(graph.Slice(qkv, -1, 2 * modelDimension, 3 * modelDimension), heads, dh);
        return (q, k, v);
    }

    /// <summary>The cross-attention keys and values of a text memory <c>[B, N, d]</c> (<c>{prefix}.kv</c>), each <c>[B, H, N, dh]</c>.</summary>
    public static (OnnxValue K, OnnxValue V) MemoryKeyValues(
        this OnnxGraphBuilder graph, OnnxValue memory, IReadOnlyDictionary<string, Tensor> state, string prefix, long heads, long modelDimension)
    {
        long dh = modelDimension / heads;
        OnnxValue kv = graph.Linear(memory, state, $"{prefix}.kv");
        OnnxValue k = graph.SplitHeads(graph.Slice(kv, -1, 0, modelDimension), heads, dh);
        OnnxValue v = graph.SplitHeads(graph.Slice(kv, -1, modelDimension, 2 * modelDimension), heads, dh);
        return (k, v);
    }

    /// <summary>Pre-norm encoder layer: <c>x += attn(norm1(x))</c>; <c>x += ff(norm2(x))</c>.</summary>
    public static OnnxValue EncoderLayer(
        this OnnxGraphBuilder graph, OnnxValue x, OnnxValue allowed, IReadOnlyDictionary<string, Tensor> state, string prefix, long heads, long modelDimension)
    {
        (OnnxValue q, OnnxValue k, OnnxValue v) = graph.ProjectQkv(graph.LayerNorm(x, state, $"{prefix}.norm1", LayerNormEpsilon), state, $"{prefix}.attn", heads, modelDimension);
        OnnxValue attended = graph.Attend(q, k, v, allowed, modelDimension / heads);
        x = graph.Add(x, graph.Linear(graph.MergeHeads(attended, modelDimension), state, $"{prefix}.attn.out"));
        return graph.Add(x, graph.FeedForward(graph.LayerNorm(x, state, $"{prefix}.norm2", LayerNormEpsilon), state, $"{prefix}.ff"));
    }
}
