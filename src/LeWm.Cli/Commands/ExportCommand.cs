using System.CommandLine;
using LeWm.Model.Checkpoints;
using LeWm.Model.Modules;
using LeWm.Onnx;
using LeWm.Onnx.Export;

namespace LeWm.Cli.Commands;

/// <summary>
/// <c>lewm export fp16 --model DIR -o DIR [--json]</c>: the same checkpoint with float16 weights (half the size), for
/// shipping a finished model. <c>lewm export onnx --vocoder DIR -o DIR [--json]</c>: a Vocos folder as ONNX
/// (<c>vocoder.onnx</c> + <c>config.json</c>), which every <c>--vocoder</c> option accepts.
/// <c>lewm export onnx --model DIR -o DIR [--json]</c>: a LeWM checkpoint as ONNX graphs + <c>config.json</c>.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("export", "Write a model in another form.") { CreateHalf(output), CreateOnnx(output) };
        return command;
    }

    private static Command CreateHalf(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "The checkpoint folder to convert (config.json + model.safetensors or pytorch_model.bin).", Required = true };
        var destination = new Option<DirectoryInfo>("--output", "-o") { Description = "The folder to write config.json and a float16 model.safetensors into (not the source folder).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the result as the last line." };
        var command = new Command("fp16", "Write a checkpoint's weights as float16 safetensors (half the size; loading converts them back to float32).") { model, destination, json };
        command.SetAction(parse =>
        {
            string source = ModelFolder.Require(parse.GetRequiredValue(model));
            DirectoryInfo target = parse.GetRequiredValue(destination);
            if (File.Exists(target.FullName))
            {
                throw new UsageException($"The output '{target.FullName}' is a file; expected a folder.");
            }

            if (string.Equals(Path.TrimEndingDirectorySeparator(source), Path.TrimEndingDirectorySeparator(target.FullName), StringComparison.Ordinal))
            {
                throw new UsageException($"The output folder '{target.FullName}' is the source folder; write the float16 copy elsewhere.");
            }

            (LeWmNetwork network, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(source);
            using (network)
            {
                LeWmCheckpoint.Save(target.FullName, network, info.Config, info.Speakers, info.TextNormalizerVersion, CheckpointPrecision.Half);
            }

            long before = new FileInfo(info.WeightsPath).Length;
            long after = new FileInfo(Path.Combine(target.FullName, LeWmCheckpoint.WeightsFileName)).Length;
            output.WriteLine(parse.GetValue(json)
                ? JsonLine.Of(("output", target.FullName), ("precision", "float16"), ("source_bytes", before), ("output_bytes", after))
                : $"Wrote {target.FullName}: float16 weights, {after:N0} bytes (from {before:N0}).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateOnnx(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "The LeWM checkpoint folder to export (config.json + weights): text_encoder, predictor_step, audio_encoder and mel_decoder graphs + config.json; run it with --model OUTPUT on ONNX Runtime." };
        var vocoder = new Option<DirectoryInfo>("--vocoder") { Description = "The Vocos folder to export (config.yaml + pytorch_model.bin or model.safetensors)." };
        var destination = new Option<DirectoryInfo>("--output", "-o") { Description = "The folder to write the graphs and config.json into (not the source folder).", Required = true };
        var precision = new Option<string>("--precision")
        {
            Description = "float32 (CPU and GPU; default) or float16 (GPU: float16 weights and arithmetic, float32 inputs and outputs).",
            DefaultValueFactory = _ => "float32",
        };
        precision.AcceptOnlyFromAmong("float32", "float16");
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the result as the last line." };
        var command = new Command("onnx", "Export a LeWM model (--model) or a Vocos vocoder (--vocoder) to ONNX (opset 17, IR 8): one graph per component + config.json.")
        {
            model, vocoder, destination, precision, json,
        };
        command.SetAction(parse =>
        {
            DirectoryInfo? modelFolder = parse.GetValue(model);
            DirectoryInfo? vocoderFolder = parse.GetValue(vocoder);
            if ((modelFolder is null) == (vocoderFolder is null))
            {
                throw new UsageException("Pass exactly one of --model (a LeWM checkpoint) and --vocoder (a Vocos folder).");
            }

            DirectoryInfo target = parse.GetRequiredValue(destination);
            OnnxExportPrecision format = parse.GetRequiredValue(precision) == "float16" ? OnnxExportPrecision.Half : OnnxExportPrecision.Full;
            return modelFolder is not null
                ? ExportModel(output, modelFolder, target, format, parse.GetValue(json))
                : ExportVocoder(output, vocoderFolder!, target, format, parse.GetValue(json));
        });
        return command;
    }

    private static int ExportModel(TextWriter output, DirectoryInfo modelFolder, DirectoryInfo target, OnnxExportPrecision precision, bool json)
    {
        string source = ModelFolder.Require(modelFolder);
        CheckTarget(source, target);
        if (OnnxSpeechModel.IsOnnxFolder(source))
        {
            throw new UsageException($"'{source}' is already an ONNX export; pass the checkpoint folder (config.json + weights).");
        }

        IReadOnlyDictionary<string, string> graphs = LeWmOnnxExporter.Export(source, target.FullName, precision);
        long bytes = graphs.Values.Sum(file => new FileInfo(Path.Combine(target.FullName, file)).Length);
        output.WriteLine(json
            ? JsonLine.Of(("output", target.FullName), ("graphs", string.Join(",", graphs.Values)), ("opset", 17), ("precision", Spelling(precision)), ("graph_bytes", bytes))
            : $"Wrote {target.FullName}: {string.Join(", ", graphs.Values)} ({bytes:N0} bytes, opset 17) and {OnnxSpeechModelConfig.FileName}.");
        return ExitCodes.Success;
    }

    private static int ExportVocoder(TextWriter output, DirectoryInfo source, DirectoryInfo target, OnnxExportPrecision precision, bool json)
    {
        if (!source.Exists)
        {
            throw new DirectoryNotFoundException($"The Vocos folder '{source.FullName}' does not exist.");
        }

        if (OnnxVocoder.IsOnnxFolder(source.FullName))
        {
            throw new UsageException($"'{source.FullName}' is already an ONNX export; pass the Vocos folder (config.yaml + weights).");
        }

        CheckTarget(source.FullName, target);
        OnnxVocoderConfig config = VocosOnnxExporter.Export(source.FullName, target.FullName, precision);
        string graph = Path.Combine(target.FullName, config.Graph);
        long bytes = new FileInfo(graph).Length;
        output.WriteLine(json
            ? JsonLine.Of(("output", target.FullName), ("graph", graph), ("opset", config.Opset), ("precision", Spelling(precision)), ("graph_bytes", bytes))
            : $"Wrote {target.FullName}: {config.Graph} ({bytes:N0} bytes, opset {config.Opset}) and {OnnxVocoderConfig.FileName}.");
        return ExitCodes.Success;
    }

    private static string Spelling(OnnxExportPrecision precision) => precision == OnnxExportPrecision.Half ? "float16" : "float32";

    private static void CheckTarget(string source, DirectoryInfo target)
    {
        if (File.Exists(target.FullName))
        {
            throw new UsageException($"The output '{target.FullName}' is a file; expected a folder.");
        }

        if (string.Equals(Path.TrimEndingDirectorySeparator(source), Path.TrimEndingDirectorySeparator(target.FullName), StringComparison.Ordinal))
        {
            throw new UsageException($"The output folder '{target.FullName}' is the source folder; write the ONNX export elsewhere.");
        }
    }
}
