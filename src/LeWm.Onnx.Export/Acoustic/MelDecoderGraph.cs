using LeWm.Model.Config;
using LeWm.Onnx.Export.Graph;
using Onnx;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export.Acoustic;

/// <summary>The mel decoder (<c>mel_decoder.onnx</c>), equal to <c>MelDecoder.forward</c> with lengths.</summary>
/// <remarks>
/// Inputs: <c>latents</c> <c>[batch, latent_frames, L]</c>, <c>lengths</c> int64 <c>[batch]</c> (valid latent frames;
/// pass latent_frames for every item when nothing is padded). Output: <c>mel</c>
/// <c>[batch, n_mels, downsample · latent_frames]</c>; every stage zeroes frames past the item's (upsampled) length,
/// the output convolution is not masked, as in LeWm.Model.
/// </remarks>
internal static class MelDecoderGraph
{
    public const string FileName = "mel_decoder.onnx";

    public static ModelProto Build(LeWmConfig config, IReadOnlyDictionary<string, Tensor> state)
    {
        long padding = config.DecoderKernel / 2;
        var graph = new OnnxGraphBuilder("lewm_mel_decoder");
        OnnxDimension batch = OnnxDimension.Batch;
        OnnxValue latents = graph.Input("latents", batch, OnnxDimension.Dynamic("latent_frames"), config.LatentSize);
        OnnxValue lengths = graph.Input("lengths", TensorProto.Types.DataType.Int64, batch);

        OnnxValue x = graph.ZeroPastLength(graph.Transpose(graph.Linear(latents, state, "mel_decoder.input"), 0, 2, 1), lengths);
        for (int s = 0; s < config.UpsampleStages; s++)
        {
            string stage = TransformerGraphs.Key("mel_decoder.stages.{0}", s);
            lengths = graph.Mul(lengths, graph.Int64Scalar(2));
            OnnxValue upWeight = graph.Initializer($"{stage}.up.weight", OnnxLayers.Require(state, $"{stage}.up.weight", 3));
            OnnxValue upBias = graph.Initializer($"{stage}.up.bias", OnnxLayers.Require(state, $"{stage}.up.bias", 1));
            x = graph.ZeroPastLength(graph.Gelu(graph.ConvTranspose(x, upWeight, upBias, [1, 1], [2])), lengths);
            for (int r = 0; r < config.DecoderResBlocks; r++)
            {
                string block = TransformerGraphs.Key("{0}.blocks.{1}", stage, r);
                OnnxValue h = graph.ZeroPastLength(graph.Gelu(graph.Conv1d(x, state, $"{block}.conv1", padding)), lengths);
                x = graph.Add(x, graph.ZeroPastLength(graph.Conv1d(h, state, $"{block}.conv2", padding), lengths));
            }
        }

        for (int r = 0; r < config.DecoderRefineConvs; r++)
        {
            x = graph.ZeroPastLength(graph.Gelu(graph.Conv1d(x, state, TransformerGraphs.Key("mel_decoder.refine.{0}", r), padding)), lengths);
        }

        graph.Output(graph.Conv1d(x, state, "mel_decoder.output", padding), "mel", batch, config.NMels, OnnxDimension.Frames);
        return graph.Build(
            "LeWM mel decoder: latents [batch, latent_frames, L], lengths [batch] int64 -> mel [batch, n_mels, downsample * latent_frames].",
            new Dictionary<string, string> { ["lewm.kind"] = "lewm", ["lewm.component"] = "mel_decoder" });
    }
}
