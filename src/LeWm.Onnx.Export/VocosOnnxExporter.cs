using System.Globalization;
using LeWm.Onnx.Export.Graph;
using LeWm.Vocos;
using Onnx;
using static TorchSharp.torch;

namespace LeWm.Onnx.Export;

/// <summary>
/// Exports a Vocos mel vocoder to ONNX: the backbone and the ISTFT head up to the complex spectrum, as
/// <c>vocoder.onnx</c> (opset 17, IR version 8) with a <c>config.json</c> beside it; <see cref="OnnxVocoder"/>
/// runs the folder and does the inverse STFT in LeWm.Audio.
/// </summary>
/// <remarks>
/// <para>The graph: input <c>mel</c> <c>[batch, n_mels, frames]</c>; embed convolution (kernel 7), LayerNorm over
/// channels, ConvNeXt blocks (depthwise convolution kernel 7, LayerNorm, Linear, exact GELU as
/// <c>0.5 · x · (1 + erf(x / √2))</c>, Linear, layer scale, residual), final LayerNorm (all ε = 1e-6); the head's
/// Linear to <c>n_fft + 2</c> channels split into log-magnitude and phase; magnitude = min(exp(·), 100);
/// outputs <c>real</c> = magnitude · cos(phase) and <c>imag</c> = magnitude · sin(phase), each
/// <c>[batch, n_fft / 2 + 1, frames]</c>.</para>
/// <para>Files are written atomically; <c>config.json</c> is written last, so a folder with it is complete.</para>
/// </remarks>
public static class VocosOnnxExporter
{
    /// <summary>The graph's file name inside the exported folder.</summary>
    public const string GraphFileName = "vocoder.onnx";

    private const float Epsilon = 1e-6f;
    private const float MaxMagnitude = 100f;

    /// <summary>Loads a Vocos folder (<c>config.yaml</c> + weights) and exports it to <paramref name="outputDirectory"/>.</summary>
    /// <param name="vocosDirectory">The Vocos folder, as published.</param>
    /// <param name="outputDirectory">The folder to write <c>vocoder.onnx</c> and <c>config.json</c> into; created when missing.</param>
    /// <returns>The configuration written.</returns>
    /// <exception cref="DirectoryNotFoundException">The Vocos folder does not exist.</exception>
    /// <exception cref="VocosConfigException">The Vocos folder is incomplete or not a mel vocoder.</exception>
    /// <exception cref="LeWm.Checkpoints.CheckpointFormatException">The weights are unreadable or do not match the configuration.</exception>
    /// <exception cref="ArgumentException">The output folder is a Vocos folder (it holds <c>config.yaml</c>).</exception>
    public static OnnxVocoderConfig Export(string vocosDirectory, string outputDirectory) =>
        Export(vocosDirectory, outputDirectory, OnnxExportPrecision.Full);

    /// <summary>Loads a Vocos folder and exports it to <paramref name="outputDirectory"/> in <paramref name="precision"/>.</summary>
    /// <param name="vocosDirectory">The Vocos folder, as published.</param>
    /// <param name="outputDirectory">The folder to write <c>vocoder.onnx</c> and <c>config.json</c> into; created when missing.</param>
    /// <param name="precision">float32 (CPU and GPU) or float16 (GPU).</param>
    /// <returns>The configuration written.</returns>
    /// <exception cref="DirectoryNotFoundException">The Vocos folder does not exist.</exception>
    /// <exception cref="VocosConfigException">The Vocos folder is incomplete or not a mel vocoder.</exception>
    /// <exception cref="LeWm.Checkpoints.CheckpointFormatException">The weights are unreadable or do not match the configuration.</exception>
    /// <exception cref="ArgumentException">The output folder is a Vocos folder (it holds <c>config.yaml</c>).</exception>
    public static OnnxVocoderConfig Export(string vocosDirectory, string outputDirectory, OnnxExportPrecision precision)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vocosDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        CheckOutput(outputDirectory);
        using VocosVocoder vocoder = VocosVocoder.Load(vocosDirectory);
        return Export(vocoder, outputDirectory, precision);
    }

    /// <summary>Exports a loaded Vocos vocoder to <paramref name="outputDirectory"/>.</summary>
    /// <param name="vocoder">The vocoder (any device; weights are exported as float32).</param>
    /// <param name="outputDirectory">The folder to write <c>vocoder.onnx</c> and <c>config.json</c> into; created when missing.</param>
    /// <returns>The configuration written.</returns>
    /// <exception cref="ArgumentException">The output folder is a Vocos folder (it holds <c>config.yaml</c>).</exception>
    public static OnnxVocoderConfig Export(VocosVocoder vocoder, string outputDirectory) =>
        Export(vocoder, outputDirectory, OnnxExportPrecision.Full);

    /// <summary>Exports a loaded Vocos vocoder to <paramref name="outputDirectory"/> in <paramref name="precision"/>.</summary>
    /// <param name="vocoder">The vocoder (any device).</param>
    /// <param name="outputDirectory">The folder to write <c>vocoder.onnx</c> and <c>config.json</c> into; created when missing.</param>
    /// <param name="precision">float32 (CPU and GPU) or float16 (GPU).</param>
    /// <returns>The configuration written.</returns>
    /// <exception cref="ArgumentException">The output folder is a Vocos folder (it holds <c>config.yaml</c>).</exception>
    public static OnnxVocoderConfig Export(VocosVocoder vocoder, string outputDirectory, OnnxExportPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(vocoder);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        CheckOutput(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        VocosConfig config = vocoder.Config;
        using (var scope = NewDisposeScope())
        {
            ModelProto model = BuildModel(config, vocoder.StateDict());
            OnnxGraphBuilder.Save(
                precision == OnnxExportPrecision.Half ? Float16GraphConverter.Convert(model) : model, Path.Combine(outputDirectory, GraphFileName));
        }

        var onnxConfig = new OnnxVocoderConfig
        {
            Graph = GraphFileName,
            Opset = OnnxGraphBuilder.Opset,
            SampleRate = config.SampleRate,
            MelBands = config.MelBands,
            FftSize = config.FftSize,
            HopLength = config.HopLength,
            Padding = Spelling(config.HeadPadding),
            FeaturePadding = Spelling(config.FeaturePadding),
            Dimension = config.Dimension,
            IntermediateDimension = config.IntermediateDimension,
            Layers = config.Layers,
        };
        onnxConfig.Save(Path.Combine(outputDirectory, OnnxVocoderConfig.FileName));
        return onnxConfig;
    }

    /// <summary>Builds the Vocos graph from a configuration and a state dict with the published key names.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="state">The weights: <c>backbone.*</c> and <c>head.out.*</c> (other keys are ignored).</param>
    /// <returns>The model.</returns>
    /// <exception cref="KeyNotFoundException">A weight is missing.</exception>
    /// <exception cref="ArgumentException">A weight has the wrong shape.</exception>
    public static ModelProto BuildModel(VocosConfig config, IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        config.Validate();
        CheckShapes(config, state);
        int bins = (config.FftSize / 2) + 1;
        var graph = new OnnxGraphBuilder("vocos");
        OnnxValue mel = graph.Input("mel", OnnxDimension.Batch, config.MelBands, OnnxDimension.Frames);

        // Backbone: channels-first convolutions, time-major LayerNorms and Linears.
        OnnxValue x = graph.Conv1d(mel, state, "backbone.embed", padding: 3);
        x = graph.Transpose(x, 0, 2, 1);
        x = graph.LayerNorm(x, state, "backbone.norm", Epsilon);
        for (int i = 0; i < config.Layers; i++)
        {
            string block = string.Create(CultureInfo.InvariantCulture, $"backbone.convnext.{i}");
            OnnxValue y = graph.Transpose(x, 0, 2, 1);
            y = graph.Conv1d(y, state, $"{block}.dwconv", padding: 3, groups: config.Dimension);
            y = graph.Transpose(y, 0, 2, 1);
            y = graph.LayerNorm(y, state, $"{block}.norm", Epsilon);
            y = graph.Linear(y, state, $"{block}.pwconv1");
            y = graph.Gelu(y);
            y = graph.Linear(y, state, $"{block}.pwconv2");
            y = graph.Mul(y, graph.Initializer($"{block}.gamma", OnnxLayers.Require(state, $"{block}.gamma", 1)));
            x = graph.Add(x, y);
        }

        x = graph.LayerNorm(x, state, "backbone.final_layer_norm", Epsilon);

        // ISTFT head up to the complex spectrum.
        OnnxValue h = graph.Transpose(graph.Linear(x, state, "head.out"), 0, 2, 1); // [B, n_fft + 2, T]
        OnnxValue magnitude = graph.Min(graph.Exp(graph.Slice(h, 1, 0, bins)), graph.Scalar(MaxMagnitude));
        OnnxValue phase = graph.Slice(h, 1, bins, 2 * bins);
        OnnxValue real = graph.Mul(magnitude, graph.Cos(phase));
        OnnxValue imaginary = graph.Mul(magnitude, graph.Sin(phase));
        graph.Output(real, "real", OnnxDimension.Batch, bins, OnnxDimension.Frames);
        graph.Output(imaginary, "imag", OnnxDimension.Batch, bins, OnnxDimension.Frames);

        return graph.Build(
            "Vocos mel vocoder up to the complex spectrum: mel [batch, n_mels, frames] (natural-log mel) -> real, imag [batch, n_fft/2 + 1, frames]; the inverse STFT is left to the caller.",
            new Dictionary<string, string>
            {
                ["lewm.kind"] = OnnxVocoderConfig.VocosKind,
                ["lewm.n_fft"] = config.FftSize.ToString(CultureInfo.InvariantCulture),
                ["lewm.hop_length"] = config.HopLength.ToString(CultureInfo.InvariantCulture),
                ["lewm.padding"] = Spelling(config.HeadPadding),
            });
    }

    private static void CheckShapes(VocosConfig config, IReadOnlyDictionary<string, Tensor> state)
    {
        var expected = new List<(string Key, long[] Shape)>
        {
            ("backbone.embed.weight", [config.Dimension, config.MelBands, 7]),
            ("head.out.weight", [config.FftSize + 2, config.Dimension]),
        };
        for (int i = 0; i < config.Layers; i++)
        {
            string block = string.Create(CultureInfo.InvariantCulture, $"backbone.convnext.{i}");
            expected.Add(($"{block}.dwconv.weight", [config.Dimension, 1, 7]));
            expected.Add(($"{block}.pwconv1.weight", [config.IntermediateDimension, config.Dimension]));
            expected.Add(($"{block}.pwconv2.weight", [config.Dimension, config.IntermediateDimension]));
        }

        foreach ((string key, long[] shape) in expected)
        {
            if (!state.TryGetValue(key, out Tensor? tensor))
            {
                throw new KeyNotFoundException($"The Vocos state dict has no '{key}'.");
            }

            if (!tensor.shape.SequenceEqual(shape))
            {
                throw new ArgumentException(
                    $"Tensor '{key}' is [{string.Join(", ", tensor.shape)}]; the configuration expects [{string.Join(", ", shape)}].", nameof(state));
            }
        }
    }

    private static void CheckOutput(string outputDirectory)
    {
        if (File.Exists(Path.Combine(outputDirectory, "config.yaml")))
        {
            throw new ArgumentException(
                $"The output folder '{outputDirectory}' holds a Vocos config.yaml; write the ONNX export to a folder of its own.", nameof(outputDirectory));
        }
    }

    private static string Spelling(VocosPadding padding) => padding == VocosPadding.Center ? "center" : "same";
}
