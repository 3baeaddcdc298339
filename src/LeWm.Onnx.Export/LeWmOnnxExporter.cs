using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeWm.Audio.IO;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using LeWm.Onnx.Export.Graph;
using LeWm.Onnx.Export.Acoustic;
using Onnx;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export;

/// <summary>
/// Exports a LeWM acoustic model (a checkpoint folder) to ONNX: one graph per component (opset 17, IR version 8) and
/// a <c>config.json</c> beside them (the checkpoint's own configuration plus <c>kind</c> = <c>lewm</c>,
/// <c>opset</c> and <c>graphs</c>), so the folder is a model in its own right.
/// </summary>
/// <remarks>
/// <para>Graphs: <c>text_encoder.onnx</c> (text encoder + every predictor layer's cross-attention keys and values),
/// <c>predictor_step.onnx</c> (one autoregressive step with a self-attention K/V cache), <c>audio_encoder.onnx</c>
/// (mu, logvar, latent lengths) and <c>mel_decoder.onnx</c>; their inputs and outputs are listed in
/// docs/articles/onnx.md. The teacher-forced predictor pass (whole sequences) is not exported.</para>
/// <para>Weights are exported in eval mode (dropout is the identity) as float32. Files are written atomically;
/// <c>config.json</c> is written last, so a folder with it is complete.</para>
/// </remarks>
public static class LeWmOnnxExporter
{
    /// <summary>The <c>kind</c> of a LeWM model export in <c>config.json</c>.</summary>
    public const string Kind = "lewm";

    /// <summary>The text graph's file name.</summary>
    public const string TextEncoderFileName = TextEncoderGraph.FileName;

    /// <summary>The predictor step graph's file name.</summary>
    public const string PredictorStepFileName = PredictorStepGraph.FileName;

    /// <summary>The audio encoder graph's file name.</summary>
    public const string AudioEncoderFileName = AudioEncoderGraph.FileName;

    /// <summary>The mel decoder graph's file name.</summary>
    public const string MelDecoderFileName = MelDecoderGraph.FileName;

    private static readonly JsonSerializerOptions s_write = new() { WriteIndented = true };

    /// <summary>Loads a checkpoint folder and exports it to <paramref name="outputDirectory"/>.</summary>
    /// <param name="checkpointDirectory">The checkpoint folder (<c>config.json</c> + weights).</param>
    /// <param name="outputDirectory">The folder to write the graphs and <c>config.json</c> into; created when missing.</param>
    /// <returns>The graph file names written, keyed by component.</returns>
    /// <exception cref="LeWm.Checkpoints.CheckpointFormatException">The checkpoint is incomplete or its weights do not fit its configuration.</exception>
    /// <exception cref="ArgumentException">The output folder is the checkpoint folder or holds a checkpoint's weights.</exception>
    public static IReadOnlyDictionary<string, string> Export(string checkpointDirectory, string outputDirectory) =>
        Export(checkpointDirectory, outputDirectory, OnnxExportPrecision.Full);

    /// <summary>Loads a checkpoint folder and exports it to <paramref name="outputDirectory"/> in <paramref name="precision"/>.</summary>
    /// <param name="checkpointDirectory">The checkpoint folder (<c>config.json</c> + weights).</param>
    /// <param name="outputDirectory">The folder to write the graphs and <c>config.json</c> into; created when missing.</param>
    /// <param name="precision">float32 (CPU and GPU) or float16 (GPU); <c>config.json</c> records it.</param>
    /// <returns>The graph file names written, keyed by component.</returns>
    /// <exception cref="LeWm.Checkpoints.CheckpointFormatException">The checkpoint is incomplete or its weights do not fit its configuration.</exception>
    /// <exception cref="ArgumentException">The output folder is the checkpoint folder or holds a checkpoint's weights.</exception>
    public static IReadOnlyDictionary<string, string> Export(string checkpointDirectory, string outputDirectory, OnnxExportPrecision precision)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        CheckOutput(outputDirectory);
        (LeWmNetwork network, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(checkpointDirectory);
        using (network)
        {
            string configJson = File.ReadAllText(Path.Combine(info.Directory, LeWmCheckpoint.ConfigFileName));
            return Export(network, configJson, outputDirectory, precision);
        }
    }

    /// <summary>Exports a loaded network to <paramref name="outputDirectory"/>.</summary>
    /// <param name="network">The network (any device; exported as float32).</param>
    /// <param name="checkpointConfigJson">
    /// The checkpoint's <c>config.json</c> text to carry over (speakers, text normaliser version, …), or null to write
    /// the network's configuration alone.
    /// </param>
    /// <param name="outputDirectory">The folder to write into; created when missing.</param>
    /// <returns>The graph file names written, keyed by component.</returns>
    /// <exception cref="ArgumentException">The output folder holds a checkpoint's weights.</exception>
    public static IReadOnlyDictionary<string, string> Export(LeWmNetwork network, string? checkpointConfigJson, string outputDirectory) =>
        Export(network, checkpointConfigJson, outputDirectory, OnnxExportPrecision.Full);

    /// <summary>Exports a loaded network to <paramref name="outputDirectory"/> in <paramref name="precision"/>.</summary>
    /// <param name="network">The network (any device).</param>
    /// <param name="checkpointConfigJson">The checkpoint's <c>config.json</c> text to carry over, or null.</param>
    /// <param name="outputDirectory">The folder to write into; created when missing.</param>
    /// <param name="precision">float32 (CPU and GPU) or float16 (GPU); <c>config.json</c> records it.</param>
    /// <returns>The graph file names written, keyed by component.</returns>
    /// <exception cref="ArgumentException">The output folder holds a checkpoint's weights.</exception>
    public static IReadOnlyDictionary<string, string> Export(
        LeWmNetwork network, string? checkpointConfigJson, string outputDirectory, OnnxExportPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        CheckOutput(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        LeWmConfig config = network.Config;
        var graphs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["text_encoder"] = TextEncoderFileName,
            ["predictor_step"] = PredictorStepFileName,
            ["audio_encoder"] = AudioEncoderFileName,
            ["mel_decoder"] = MelDecoderFileName,
        };
        using (var scope = NewDisposeScope())
        {
            Dictionary<string, Tensor> state = network.state_dict();
            void Save(ModelProto model, string file) => OnnxGraphBuilder.Save(
                precision == OnnxExportPrecision.Half ? Float16GraphConverter.Convert(model) : model, Path.Combine(outputDirectory, file));
            Save(TextEncoderGraph.Build(config, state), TextEncoderFileName);
            Save(PredictorStepGraph.Build(config, state), PredictorStepFileName);
            Save(AudioEncoderGraph.Build(config, state), AudioEncoderFileName);
            Save(MelDecoderGraph.Build(config, state), MelDecoderFileName);
        }

        JsonObject root = JsonNode.Parse(checkpointConfigJson ?? config.ToJson())!.AsObject();
        root["kind"] = Kind;
        root["opset"] = OnnxGraphBuilder.Opset;
        root["precision"] = precision == OnnxExportPrecision.Half ? "float16" : "float32";
        var graphNode = new JsonObject();
        foreach ((string component, string file) in graphs)
        {
            graphNode[component] = file;
        }

        root["graphs"] = graphNode;
        AtomicFile.WriteAllBytes(Path.Combine(outputDirectory, LeWmCheckpoint.ConfigFileName), Encoding.UTF8.GetBytes(root.ToJsonString(s_write)));
        return graphs;
    }

    /// <summary>Builds the text graph (text encoder + cross-attention K/V) from a configuration and a LeWM state dict.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="state">The network's state dict (<c>text_encoder.*</c>, <c>predictor.layers.*.cross_attn.kv.*</c>).</param>
    /// <returns>The model.</returns>
    public static ModelProto BuildTextEncoder(LeWmConfig config, IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        return TextEncoderGraph.Build(config, state);
    }

    /// <summary>Builds the predictor step graph from a configuration and a LeWM state dict.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="state">The network's state dict (<c>predictor.*</c>).</param>
    /// <returns>The model.</returns>
    public static ModelProto BuildPredictorStep(LeWmConfig config, IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        return PredictorStepGraph.Build(config, state);
    }

    private static void CheckOutput(string outputDirectory)
    {
        if (File.Exists(Path.Combine(outputDirectory, LeWmCheckpoint.WeightsFileName))
            || File.Exists(Path.Combine(outputDirectory, LeWmCheckpoint.PyTorchWeightsFileName)))
        {
            throw new ArgumentException(
                $"The output folder '{outputDirectory}' holds a LeWM checkpoint; write the ONNX export to a folder of its own.", nameof(outputDirectory));
        }
    }
}
