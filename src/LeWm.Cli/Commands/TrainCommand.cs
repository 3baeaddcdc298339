using System.CommandLine;
using System.Globalization;
using LeWm.Model.Config;
using LeWm.Training;
using Spectre.Console;

namespace LeWm.Cli.Commands;

/// <summary>
/// <c>lewm train --data DIR --output DIR [--preset tiny|base] [--epochs N|--steps N] …</c>: trains a model on a
/// preprocessed corpus; checkpoints <c>last/</c> and <c>best/</c> under the output.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "The preprocessed corpus folder (holding manifest.jsonl).", Required = true };
        var destination = new Option<DirectoryInfo>("--output", "-o") { Description = "The training folder: last/, best/ and tensorboard/ go under it.", Required = true };
        var preset = new Option<string>("--preset") { Description = "The architecture of a fresh model: tiny or base.", DefaultValueFactory = _ => "base" };
        preset.AcceptOnlyFromAmong("tiny", "base");
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training items." };
        var steps = new Option<int?>("--steps") { Description = $"Updates to make (default {Trainer.DefaultSteps} when neither --steps nor --epochs is given)." };
        var saveEvery = new Option<int>("--save-every") { Description = "Save last/ every N steps.", DefaultValueFactory = _ => 1000 };
        var validateEvery = new Option<int>("--validate-every") { Description = "Validate (and update best/) every N steps.", DefaultValueFactory = _ => 500 };
        var resume = new Option<bool>("--resume") { Description = "Continue OUTPUT/last/ exactly where it stopped." };
        var batchFrames = new Option<int>("--batch-frames") { Description = "Padded mel frames per batch.", DefaultValueFactory = _ => 4000 };
        var learningRate = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 5e-4 };
        var warmup = new Option<int>("--warmup-steps") { Description = "Linear warm-up steps.", DefaultValueFactory = _ => 500 };
        var klWeight = new Option<double?>("--kl-weight") { Description = "Target KL weight (default 0.01, annealed over the first 20 % of steps)." };
        var reconWeight = new Option<double?>("--recon-weight") { Description = "Reconstruction (L1) weight (default 2.0)." };
        var spectralWeight = new Option<double?>("--spectral-weight") { Description = "Spectral loss weight (default 1.5)." };
        var predictionWeight = new Option<double?>("--prediction-weight") { Description = "Latent prediction weight (default 1.0)." };
        var stopWeight = new Option<double?>("--stop-weight") { Description = "Stop loss weight (default 1.0)." };
        var predictionInputNoise = new Option<double?>("--prediction-input-noise")
        {
            Description = "Standard deviation of noise on the predictor's teacher-forced inputs (default 0; e.g. 0.1 teaches it to recover from its own errors).",
        };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, dropout and data order.", DefaultValueFactory = _ => 1234 };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var initFrom = new Option<DirectoryInfo?>("--init-from") { Description = "Start from this checkpoint's weights (fine-tuning)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the result as the last line." };
        var command = new Command("train", "Train a LeWM model on a preprocessed corpus.")
        {
            data, destination, preset, epochs, steps, saveEvery, validateEvery, resume, batchFrames, learningRate, warmup,
            klWeight, reconWeight, spectralWeight, predictionWeight, stopWeight, predictionInputNoise, seed, device, initFrom, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(epochs) is not null && parse.GetValue(steps) is not null)
            {
                throw new UsageException("Give --epochs or --steps, not both.");
            }

            var options = new TrainerOptions
            {
                DataPath = parse.GetRequiredValue(data).FullName,
                OutputDirectory = parse.GetRequiredValue(destination).FullName,
                Config = parse.GetValue(preset) == "tiny" ? LeWmConfig.Tiny : LeWmConfig.Base,
                Epochs = parse.GetValue(epochs),
                Steps = parse.GetValue(steps),
                SaveEvery = parse.GetValue(saveEvery),
                ValidateEvery = parse.GetValue(validateEvery),
                Resume = parse.GetValue(resume),
                BatchFrames = parse.GetValue(batchFrames),
                LearningRate = parse.GetValue(learningRate),
                WarmupSteps = parse.GetValue(warmup),
                KlWeight = parse.GetValue(klWeight),
                ReconWeight = parse.GetValue(reconWeight),
                SpectralWeight = parse.GetValue(spectralWeight),
                PredictionWeight = parse.GetValue(predictionWeight),
                StopWeight = parse.GetValue(stopWeight),
                PredictionInputNoise = parse.GetValue(predictionInputNoise),
                Seed = parse.GetValue(seed),
                Device = parse.GetValue(device) == "cuda" ? TrainingDevice.Cuda : TrainingDevice.Cpu,
                InitFrom = parse.GetValue(initFrom)?.FullName,
            };
            TextWriter error = parse.InvocationConfiguration.Error;
            var trainer = new Trainer(options, line => error.WriteLine($"lewm: warning: {line}"));
            bool live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            TrainingResult result = live
                ? await TrainWithProgressBarAsync(trainer, cancellationToken).ConfigureAwait(false)
                : await trainer.RunAsync(new PlainProgress(output), cancellationToken).ConfigureAwait(false);
            Report(output, parse.GetValue(json), result);
            if (result.Cancelled)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"lewm: error: interrupted at step {result.Steps}; '{result.LastDirectory}' is saved: continue with --resume."));
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<TrainingResult> TrainWithProgressBarAsync(Trainer trainer, CancellationToken cancellationToken)
    {
        TrainingResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: 1);
                var progress = new LiveProgress(task);
                result = await trainer.RunAsync(progress, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result!;
    }

    private static string Describe(TrainingProgress p)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.TotalSteps} loss {p.Losses.Total:0.0000} (pred {p.Losses.Prediction:0.0000} kl {p.Losses.Kl:0.000} recon {p.Losses.Recon:0.0000} spec {p.Losses.Spectral:0.0000} stop {p.Losses.Stop:0.0000}) lr {p.LearningRate:0.###e0} {p.StepsPerSecond:0.00} steps/s");
        return p.Validation is null ? line : line + string.Create(CultureInfo.InvariantCulture, $" val {p.Validation.Total:0.0000}");
    }

    private static void Report(TextWriter output, bool json, TrainingResult result)
    {
        if (json)
        {
            (string Key, object Value)[] fields =
            [
                ("steps", result.Steps),
                ("first_loss", result.FirstLoss),
                ("final_loss", result.FinalLoss),
                ("best_val_loss", result.BestValidationLoss ?? double.NaN),
                ("seconds", result.Elapsed.TotalSeconds),
                ("steps_per_second", result.StepsPerSecond),
                ("frames_per_second", result.FramesPerSecond),
                ("data_wait_share", result.DataWaitShare),
                ("output", Path.GetDirectoryName(result.LastDirectory) ?? result.LastDirectory),
            ];

            // JSON has no NaN: a value that does not exist (no step made, never validated) is left out.
            output.WriteLine(JsonLine.Of([.. fields.Where(f => f.Value is not double d || double.IsFinite(d))]));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Trained {result.Steps} steps in {result.Elapsed.TotalSeconds:0.#} s ({result.StepsPerSecond:0.00} steps/s, {result.FramesPerSecond:0} frames/s, {result.DataWaitShare:P1} waiting for data): loss {result.FirstLoss:0.0000} → {result.FinalLoss:0.0000}, best validation {result.BestValidationLoss?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "n/a"}. Checkpoints under {Path.GetDirectoryName(result.LastDirectory)}."));
        }
    }

    /// <summary>Plain progress lines (no terminal): about twenty per run, plus every validation.</summary>
    private sealed class PlainProgress(TextWriter output) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            int every = Math.Clamp(value.TotalSteps / 20, 1, 100);
            if (value.Step % every == 0 || value.Step == value.TotalSteps || value.Validation is not null)
            {
                output.WriteLine(Describe(value));
            }
        }
    }

    /// <summary>Moves the Spectre.Console bar and shows the current losses.</summary>
    private sealed class LiveProgress(ProgressTask task) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            task.MaxValue = value.TotalSteps;
            task.Value = value.Step;
            task.Description = Markup.Escape(Describe(value));
        }
    }
}
