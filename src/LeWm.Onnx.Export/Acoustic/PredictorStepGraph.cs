using LeWm.Model.Config;
using LeWm.Onnx.Export.Graph;
using Onnx;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export.Acoustic;

/// <summary>
/// One autoregressive predictor step with a self-attention K/V cache (<c>predictor_step.onnx</c>), equal to
/// <c>JepaPredictor.Step</c>.
/// </summary>
/// <remarks>
/// <para>Inputs: <c>latent</c> <c>[batch, L]</c> (the latent fed back), <c>use_start</c> bool <c>[batch]</c> (true feeds
/// the learned start embedding instead of <c>latent</c>, whose row is then ignored: the first step of a sequence),
/// <c>position</c> int64 <c>[batch]</c> (the frame's position, 0 on the first step), <c>past_valid</c> bool
/// <c>[batch, past]</c> (which cached frames may be attended), <c>text_mask</c> bool <c>[batch, text]</c>, and per
/// layer i <c>past_k_{i}</c>, <c>past_v_{i}</c> <c>[batch, H, past, dh]</c> (past may be 0) and <c>cross_k_{i}</c>,
/// <c>cross_v_{i}</c> <c>[batch, H, text, dh]</c> from the text graph.</para>
/// <para>Outputs: <c>next</c> <c>[batch, L]</c>, <c>stop_logit</c> <c>[batch]</c>, and per layer <c>present_k_{i}</c>,
/// <c>present_v_{i}</c> <c>[batch, H, past + 1, dh]</c> (the past with this frame appended; its validity is
/// <c>past_valid</c> with true appended).</para>
/// <para>The new frame attends to itself and to every valid cached frame; the mask uses the lowest finite float32,
/// as LeWm.Model does.</para>
/// </remarks>
internal static class PredictorStepGraph
{
    public const string FileName = "predictor_step.onnx";

    public static ModelProto Build(LeWmConfig config, IReadOnlyDictionary<string, Tensor> state)
    {
        long d = config.DModel, heads = config.Heads, dh = config.HeadDimension;
        var graph = new OnnxGraphBuilder("lewm_predictor_step");
        OnnxDimension batch = OnnxDimension.Batch, text = OnnxDimension.Dynamic("text");
        OnnxDimension past = OnnxDimension.Dynamic("past"), present = OnnxDimension.Dynamic("present");
        OnnxValue latent = graph.Input("latent", batch, config.LatentSize);
        OnnxValue useStart = graph.Input("use_start", TensorProto.Types.DataType.Bool, batch);
        OnnxValue position = graph.Input("position", TensorProto.Types.DataType.Int64, batch);
        OnnxValue pastValid = graph.Input("past_valid", TensorProto.Types.DataType.Bool, batch, past);
        OnnxValue textMask = graph.Input("text_mask", TensorProto.Types.DataType.Bool, batch, text);
        var pastK = new OnnxValue[config.PredictorLayers];
        var pastV = new OnnxValue[config.PredictorLayers];
        var crossK = new OnnxValue[config.PredictorLayers];
        var crossV = new OnnxValue[config.PredictorLayers];
        for (int i = 0; i < config.PredictorLayers; i++)
        {
            pastK[i] = graph.Input(TransformerGraphs.Key("past_k_{0}", i), batch, heads, past, dh);
            pastV[i] = graph.Input(TransformerGraphs.Key("past_v_{0}", i), batch, heads, past, dh);
        }

        for (int i = 0; i < config.PredictorLayers; i++)
        {
            crossK[i] = graph.Input(TransformerGraphs.Key("cross_k_{0}", i), batch, heads, text, dh);
            crossV[i] = graph.Input(TransformerGraphs.Key("cross_v_{0}", i), batch, heads, text, dh);
        }

        // Embed: start or input(latent), plus the position's sinusoid; one frame per item.
        OnnxValue start = graph.Initializer("predictor.start", OnnxLayers.Require(state, "predictor.start", 1));
        OnnxValue embedded = graph.Where(graph.Unsqueeze(useStart, 1), start, graph.Linear(latent, state, "predictor.input"));
        OnnxValue x = graph.Unsqueeze(graph.Add(embedded, graph.SinusoidalPositions(position, d)), 1); // [B, 1, d]

        // The new frame is always valid; it sees every valid cached frame.
        OnnxValue newValid = graph.TrueOfShape(graph.Concat(0, graph.Shape(position), graph.Int64s(null, 1)));
        OnnxValue selfAllowed = graph.Unsqueeze(graph.Concat(1, pastValid, newValid), 1, 2); // [B, 1, 1, past + 1]
        OnnxValue crossAllowed = graph.Unsqueeze(textMask, 1, 2); // [B, 1, 1, text]
        for (int i = 0; i < config.PredictorLayers; i++)
        {
            string layer = TransformerGraphs.Key("predictor.layers.{0}", i);
            (OnnxValue q, OnnxValue k, OnnxValue v) = graph.ProjectQkv(graph.LayerNorm(x, state, $"{layer}.norm1", TransformerGraphs.LayerNormEpsilon), state, $"{layer}.self_attn", heads, d);
            k = graph.Concat(2, pastK[i], k);
            v = graph.Concat(2, pastV[i], v);
            graph.Output(k, TransformerGraphs.Key("present_k_{0}", i), batch, heads, present, dh);
            graph.Output(v, TransformerGraphs.Key("present_v_{0}", i), batch, heads, present, dh);
            OnnxValue attended = graph.Attend(q, k, v, selfAllowed, dh);
            x = graph.Add(x, graph.Linear(graph.MergeHeads(attended, d), state, $"{layer}.self_attn.out"));

            OnnxValue cq = graph.SplitHeads(graph.Linear(graph.LayerNorm(x, state, $"{layer}.norm2", TransformerGraphs.LayerNormEpsilon), state, $"{layer}.cross_attn.q"), heads, dh);
            OnnxValue crossAttended = graph.Attend(cq, crossK[i], crossV[i], crossAllowed, dh);
            x = graph.Add(x, graph.Linear(graph.MergeHeads(crossAttended, d), state, $"{layer}.cross_attn.out"));
            x = graph.Add(x, graph.FeedForward(graph.LayerNorm(x, state, $"{layer}.norm3", TransformerGraphs.LayerNormEpsilon), state, $"{layer}.ff"));
        }

        OnnxValue h = graph.Squeeze(graph.LayerNorm(x, state, "predictor.norm", TransformerGraphs.LayerNormEpsilon), 1); // [B, d]
        graph.Output(graph.Linear(h, state, "predictor.output"), "next", batch, config.LatentSize);
        graph.Output(graph.Squeeze(graph.Linear(h, state, "predictor.stop"), 1), "stop_logit", batch);
        return graph.Build(
            "LeWM predictor step with self-attention K/V cache: latent, use_start, position, past_valid, text_mask, past_k_i, past_v_i, cross_k_i, cross_v_i -> next, stop_logit, present_k_i, present_v_i.",
            new Dictionary<string, string> { ["lewm.kind"] = "lewm", ["lewm.component"] = "predictor_step" });
    }
}
