using LeWm.Model.Config;
using LeWm.Onnx.Export.Graph;
using Onnx;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export.Acoustic;

/// <summary>
/// The text graph (<c>text_encoder.onnx</c>): the text encoder followed by every predictor layer's cross-attention
/// key/value projection, so that a request's text keys and values are computed once.
/// </summary>
/// <remarks>
/// Inputs: <c>ids</c> int64 <c>[batch, text]</c> (framed, right-padded byte ids), <c>lengths</c> int64 <c>[batch]</c>,
/// and <c>speaker</c> int64 <c>[batch]</c> only when the model has a speaker table. Outputs: <c>memory</c>
/// <c>[batch, text, d]</c>, <c>text_mask</c> bool <c>[batch, text]</c>, and per predictor layer i <c>cross_k_{i}</c>,
/// <c>cross_v_{i}</c> <c>[batch, H, text, dh]</c>. The graph does not check text against <c>max_text_bytes + 2</c>;
/// callers do.
/// </remarks>
internal static class TextEncoderGraph
{
    public const string FileName = "text_encoder.onnx";

    public static ModelProto Build(LeWmConfig config, IReadOnlyDictionary<string, Tensor> state)
    {
        long d = config.DModel, heads = config.Heads, dh = config.HeadDimension;
        var graph = new OnnxGraphBuilder("lewm_text_encoder");
        OnnxDimension batch = OnnxDimension.Batch, text = OnnxDimension.Dynamic("text");
        OnnxValue ids = graph.Input("ids", TensorProto.Types.DataType.Int64, batch, text);
        OnnxValue lengths = graph.Input("lengths", TensorProto.Types.DataType.Int64, batch);
        OnnxValue? speaker = config.NSpeakers > 0 ? graph.Input("speaker", TensorProto.Types.DataType.Int64, batch) : null;

        OnnxValue n = graph.SizeOf(ids, 1);
        OnnxValue mask = graph.SequenceMask(lengths, n);
        OnnxValue x = graph.Gather(graph.Initializer("text_encoder.embed.weight", OnnxLayers.Require(state, "text_encoder.embed.weight", 2)), ids);
        if (speaker is { } s)
        {
            OnnxValue table = graph.Initializer("text_encoder.speaker.weight", OnnxLayers.Require(state, "text_encoder.speaker.weight", 2));
            x = graph.Add(x, graph.Unsqueeze(graph.Gather(table, s), 1));
        }

        x = graph.Add(x, graph.SinusoidalPositions(graph.Positions(n), d));
        OnnxValue allowed = graph.Unsqueeze(mask, 1, 2);
        for (int i = 0; i < config.TextLayers; i++)
        {
            x = graph.EncoderLayer(x, allowed, state, TransformerGraphs.Key("text_encoder.layers.{0}", i), heads, d);
        }

        OnnxValue memory = graph.LayerNorm(x, state, "text_encoder.norm", TransformerGraphs.LayerNormEpsilon);
        graph.Output(memory, "memory", batch, text, d);
        graph.Output(mask, "text_mask", TensorProto.Types.DataType.Bool, batch, text);
        for (int i = 0; i < config.PredictorLayers; i++)
        {
            (OnnxValue k, OnnxValue v) = graph.MemoryKeyValues(memory, state, TransformerGraphs.Key("predictor.layers.{0}.cross_attn", i), heads, d);
            graph.Output(k, TransformerGraphs.Key("cross_k_{0}", i), batch, heads, text, dh);
            graph.Output(v, TransformerGraphs.Key("cross_v_{0}", i), batch, heads, text, dh);
        }

        return graph.Build(
            "LeWM text encoder + per-layer cross-attention K/V: ids [batch, text] int64, lengths [batch] int64 (+ speaker [batch]) -> memory, text_mask, cross_k_i, cross_v_i.",
            new Dictionary<string, string> { ["lewm.kind"] = "lewm", ["lewm.component"] = "text_encoder" });
    }
}
