using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LeWm.Inference;
using LeWm.Model.Config;
using LeWm.Model.Backends;
using LeWm.Onnx;
using LeWm.Training.Evaluation;

namespace LeWm.Cli.Commands;

/// <summary>
/// <c>lewm eval --model DIR --data DIR [--vocoder DIR|griffin-lim] [--limit N] [--json]</c>: MCD-DTW, duration ratio
/// and real-time factor on a corpus's held-out items, through <see cref="CorpusEvaluator"/> (LeWm.Training).
/// </summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A checkpoint folder (config.json + model.safetensors) or its ONNX export (lewm export onnx --model).", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "A preprocessed corpus folder (holding manifest.jsonl); its held-out (validation) items are evaluated.", Required = true };
        var vocoder = new Option<string>("--vocoder") { Description = VocoderFactory.Description, DefaultValueFactory = _ => VocoderFactory.GriffinLim };
        var limit = new Option<int>("--limit") { Description = "The most held-out items to evaluate.", DefaultValueFactory = _ => 20 };
        var all = new Option<bool>("--all") { Description = "Evaluate every item of the corpus (a held-out corpus preprocessed on its own) instead of its validation split." };
        var stopThreshold = new Option<double>("--stop-threshold")
        {
            Description = "The stop probability at which synthesis ends (default 0.5; see SynthesisOptions.StopThreshold).",
            DefaultValueFactory = _ => 0.5,
        };
        var temperature = new Option<double?>("--temperature")
        {
            Description = "Standard deviation of the noise added to each generated latent (0: deterministic; default: the model's sampling_temperature).",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the sampling noise with --temperature (every item starts from it), so the figures repeat.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (means and per-item rows) as the last line." };
        var command = new Command(
            "eval",
            "Score a model on a corpus's held-out items: MCD-DTW (dB) of synthesis, teacher-forced prediction, reconstruction and the Griffin-Lim floor against the recordings, duration ratio and real-time factor.")
        {
            model, data, vocoder, limit, all, stopThreshold, temperature, seed, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int maxItems = parse.GetValue(limit);
            if (maxItems < 1)
            {
                throw new UsageException($"--limit must be at least 1 (got {maxItems}).");
            }

            double threshold = parse.GetValue(stopThreshold);
            if (!(threshold > 0 && threshold < 1))
            {
                throw new UsageException($"--stop-threshold must be between 0 and 1, exclusive (got {threshold}).");
            }

            double? requestedTemperature = parse.GetValue(temperature);
            if (requestedTemperature is double given && !(given >= 0 && given <= SynthesisOptions.MaxTemperature))
            {
                throw new UsageException($"--temperature must be between 0 and {SynthesisOptions.MaxTemperature} (got {given}).");
            }

            DirectoryInfo corpus = parse.GetRequiredValue(data);
            if (!corpus.Exists)
            {
                throw new DirectoryNotFoundException($"The data folder '{corpus.FullName}' does not exist.");
            }

            string folder = ModelFolder.Require(parse.GetRequiredValue(model));
            string vocoderArgument = parse.GetRequiredValue(vocoder);
            TextWriter error = parse.InvocationConfiguration.Error;
            long started = Stopwatch.GetTimestamp();
            ISpeechModel speechModel = SpeechModelFactory.Load(folder);
            double sampling = requestedTemperature ?? speechModel.Info.DefaultTemperature;

            // An exported ONNX folder's config.json is the checkpoint's configuration plus kind/opset/graphs.
            LeWmConfig config = speechModel is LeWmSpeechModel checkpoint
                ? checkpoint.Config
                : LeWmConfig.Load(Path.Combine(folder, OnnxSpeechModelConfig.FileName));
            await using TtsEngine engine = TtsEngine.CreateBuilder()
                .UseSpeechModel(speechModel)
                .UseVocoder(_ => VocoderFactory.Create(vocoderArgument))
                .Build();
            CorpusEvaluation result = await CorpusEvaluator.EvaluateAsync(
                engine, config, corpus.FullName, new CorpusEvaluatorOptions { MaxItems = maxItems, AllItems = parse.GetValue(all), Synthesis = new SynthesisOptions { StopThreshold = threshold, Temperature = sampling, Seed = parse.GetValue(seed) } },
                new ProgressLines(error), cancellationToken).ConfigureAwait(false);
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonLine.Of(Fields(result, folder, vocoderArgument, threshold, sampling, seconds)));
            }
            else
            {
                WriteTable(output, result, seconds);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static (string Key, object Value)[] Fields(CorpusEvaluation result, string model, string vocoder, double stopThreshold, double temperature, double seconds)
    {
        var fields = new List<(string Key, object Value)>
        {
            ("model", model),
            ("data", result.ManifestPath),
            ("vocoder", vocoder),
            ("stop_threshold", stopThreshold),
            ("temperature", temperature),
            ("split", result.Split),
            ("held_out_items", result.HeldOutItems),
            ("items_evaluated", result.Items.Count),
        };
        AddSummary(fields, "synthesized", result.Synthesized);
        AddSummary(fields, "predicted", result.Predicted);
        AddSummary(fields, "reconstructed", result.Reconstructed);
        AddSummary(fields, "griffin_lim", result.GriffinLim);
        AddFinite(fields, "realtime_factor", result.SynthesisRealTimeFactor);
        fields.Add(("seconds", seconds));
        fields.Add(("items", result.Items.Select(ItemFields).ToList()));
        return [.. fields];
    }

    private static (string Key, object Value)[] ItemFields(ItemEvaluation item)
    {
        var fields = new List<(string Key, object Value)> { ("id", item.Id), ("speaker", item.Speaker) };
        if (item.SpeakerId is int id)
        {
            fields.Add(("speaker_id", id));
        }

        fields.Add(("reference_seconds", item.ReferenceSeconds));
        AddScore(fields, "synthesized", item.Synthesized);
        AddScore(fields, "predicted", item.Predicted);
        AddScore(fields, "reconstructed", item.Reconstructed);
        AddScore(fields, "griffin_lim", item.GriffinLim);
        fields.Add(("synthesis_ms", item.SynthesisTime.TotalMilliseconds));
        AddFinite(fields, "realtime_factor", item.SynthesisRealTimeFactor);
        return [.. fields];
    }

    private static void AddSummary(List<(string Key, object Value)> fields, string name, DistortionSummary summary)
    {
        fields.Add(($"{name}_mcd_db", summary.MelCepstralDistortionDb));
        fields.Add(($"{name}_duration_ratio", summary.DurationRatio));
    }

    private static void AddScore(List<(string Key, object Value)> fields, string name, DistortionScore score)
    {
        fields.Add(($"{name}_mcd_db", score.MelCepstralDistortionDb));
        fields.Add(($"{name}_duration_ratio", score.DurationRatio));
        fields.Add(($"{name}_seconds", score.AudioSeconds));
    }

    /// <summary>JSON has no infinity: a real-time factor of an immeasurably fast run is left out.</summary>
    private static void AddFinite(List<(string Key, object Value)> fields, string key, double value)
    {
        if (double.IsFinite(value))
        {
            fields.Add((key, value));
        }
    }

    private static void WriteTable(TextWriter output, CorpusEvaluation result, double seconds)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Evaluated {result.Items.Count} of {result.HeldOutItems} held-out ({result.Split}) items of {result.ManifestPath} in {seconds:0.#} s."));
        output.WriteLine($"{"",-28} {"MCD-DTW (dB)",12} {"duration ratio",14}");
        (string Name, DistortionSummary Summary)[] rows =
        [
            ("synthesized (AR)", result.Synthesized),
            ("predicted (teacher-forced)", result.Predicted),
            ("reconstructed", result.Reconstructed),
            ("griffin-lim of reference", result.GriffinLim),
        ];
        foreach ((string name, DistortionSummary summary) in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-28} {summary.MelCepstralDistortionDb,12:0.00} {summary.DurationRatio,14:0.000}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Synthesis: {result.SynthesisRealTimeFactor:0.##}× real time (audio seconds per second). Lower MCD is closer to the recordings; griffin-lim is the floor the default vocoder allows."));
    }

    /// <summary>One stderr line per evaluated item.</summary>
    private sealed class ProgressLines(TextWriter error) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            ItemEvaluation item = value.Item;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"eval: {value.Completed}/{value.Total} {item.Id}: synthesized {item.Synthesized.MelCepstralDistortionDb:0.00} dB (×{item.Synthesized.DurationRatio:0.00}), predicted {item.Predicted.MelCepstralDistortionDb:0.00} dB, reconstructed {item.Reconstructed.MelCepstralDistortionDb:0.00} dB, griffin-lim {item.GriffinLim.MelCepstralDistortionDb:0.00} dB"));
        }
    }
}
