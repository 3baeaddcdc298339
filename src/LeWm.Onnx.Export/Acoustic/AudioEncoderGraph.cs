using LeWm.Model.Config;
using LeWm.Onnx.Export.Graph;
using Onnx;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export.Acoustic;

/// <summary>
/// The audio encoder (<c>audio_encoder.onnx</c>), equal to <c>AudioEncoder.forward</c> in eval mode.
/// </summary>
/// <remarks>
/// Inputs: <c>mel</c> <c>[batch, n_mels, frames]</c> (natural-log mel, right-padded), <c>lengths</c> int64
/// <c>[batch]</c>. Outputs: <c>mu</c> and <c>logvar</c> <c>[batch, latent_frames, L]</c> with
/// latent_frames = ceil(frames / downsample), and <c>latent_lengths</c> int64 <c>[batch]</c>. The graph pads the
/// frames to a multiple of the downsampling factor itself and zeroes every frame past an item's length before the first
/// convolution and after each one; it does not check frames against <c>max_frames</c>.
/// </remarks>
internal static class AudioEncoderGraph
{
    public const string FileName = "audio_encoder.onnx";

    public static ModelProto Build(LeWmConfig config, IReadOnlyDictionary<string, Tensor> state)
    {
        long d = config.DModel, heads = config.Heads;
        var graph = new OnnxGraphBuilder("lewm_audio_encoder");
        OnnxDimension batch = OnnxDimension.Batch, latentFrames = OnnxDimension.Dynamic("latent_frames");
        OnnxValue mel = graph.Input("mel", batch, config.NMels, OnnxDimension.Frames);
        OnnxValue lengths = graph.Input("lengths", TensorProto.Types.DataType.Int64, batch);

        // Right-pad the frames to a multiple of the downsampling factor: (ds − T mod ds) mod ds zeros.
        OnnxValue ds = graph.Int64Scalar(config.Downsample);
        OnnxValue extra = graph.Mod(graph.Sub(ds, graph.Mod(graph.SizeOf(mel, 2), ds)), ds);
        OnnxValue x = graph.Pad(mel, graph.Concat(0, graph.Int64s(null, 0, 0, 0, 0, 0), graph.Unsqueeze(extra, 0)));
        x = graph.ZeroPastLength(x, lengths);
        for (int i = 0; i <= config.UpsampleStages; i++)
        {
            string prefix = TransformerGraphs.Key("audio_encoder.convs.{0}", i);
            OnnxValue weight = graph.Initializer($"{prefix}.weight", OnnxLayers.Require(state, $"{prefix}.weight", 3));
            OnnxValue bias = graph.Initializer($"{prefix}.bias", OnnxLayers.Require(state, $"{prefix}.bias", 1));
            x = i == 0
                ? graph.Conv(x, weight, bias, [1, 1])
                : graph.Conv(x, weight, bias, [1, 1], strides: [2]);
            x = graph.Gelu(x);
            if (i > 0)
            {
                lengths = graph.Div(graph.Add(lengths, graph.Int64Scalar(1)), graph.Int64Scalar(2)); // floor for lengths ≥ 0
            }

            x = graph.ZeroPastLength(x, lengths);
        }

        x = graph.Transpose(x, 0, 2, 1); // [B, Tz, d]
        OnnxValue tz = graph.SizeOf(x, 1);
        x = graph.Add(x, graph.SinusoidalPositions(graph.Positions(tz), d));
        OnnxValue allowed = graph.Unsqueeze(graph.SequenceMask(lengths, tz), 1, 2);
        for (int i = 0; i < config.AudioLayers; i++)
        {
            x = graph.EncoderLayer(x, allowed, state, TransformerGraphs.Key("audio_encoder.layers.{0}", i), heads, d);
        }

        x = graph.LayerNorm(x, state, "audio_encoder.norm", TransformerGraphs.LayerNormEpsilon);
        graph.Output(graph.Linear(x, state, "audio_encoder.mu"), "mu", batch, latentFrames, config.LatentSize);
        graph.Output(graph.Linear(x, state, "audio_encoder.logvar"), "logvar", batch, latentFrames, config.LatentSize);
        graph.Output(lengths, "latent_lengths", TensorProto.Types.DataType.Int64, batch);
        return graph.Build(
            "LeWM audio encoder: mel [batch, n_mels, frames], lengths [batch] int64 -> mu, logvar [batch, latent_frames, L], latent_lengths [batch] int64.",
            new Dictionary<string, string> { ["lewm.kind"] = "lewm", ["lewm.component"] = "audio_encoder" });
    }
}
