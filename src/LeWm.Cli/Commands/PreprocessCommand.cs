using System.CommandLine;
using System.Globalization;
using LeWm.Training.Preprocessing;
using Spectre.Console;

namespace LeWm.Cli.Commands;

/// <summary>
/// <c>lewm preprocess --input DIR --output DIR [--jobs N] [--json]</c>: segment, resample, extract log-mels and
/// write <c>manifest.jsonl</c> (see <see cref="Preprocessor"/>).
/// </summary>
internal static class PreprocessCommand
{
    /// <summary>Skipped recordings listed one per line on stderr before the rest are only counted.</summary>
    private const int ListedSkips = 20;

    public static Command Create(TextWriter output)
    {
        var input = new Option<DirectoryInfo>("--input", "-i")
        {
            Description = "The corpus: WAVs with metadata.csv (LJSpeech) or a .txt beside each .wav; one sub-folder per speaker, or none for one speaker.",
            Required = true,
        };
        var outputFolder = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "The folder to write wavs/, mels/, manifest.jsonl and summary.json into; a rerun resumes and reuses what is complete.",
            Required = true,
        };
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "Recordings processed at once.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var evaluation = new Option<bool>("--evaluation")
        {
            Description = "Mark the output as an evaluation set (held-out sentences): lewm eval scores all of it, lewm train refuses it.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the totals as the last line." };
        var command = new Command("preprocess", "Cut recordings into 3-12 s segments, resample to 24 kHz, extract log-mels and write manifest.jsonl.")
        {
            input, outputFolder, jobs, evaluation, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int jobCount = parse.GetValue(jobs);
            if (jobCount is < 1 or > 1024)
            {
                throw new UsageException($"--jobs must be between 1 and 1024 (got {jobCount}).");
            }

            var preprocessor = new Preprocessor(new PreprocessorOptions
            {
                InputDirectory = parse.GetRequiredValue(input).FullName,
                OutputDirectory = parse.GetRequiredValue(outputFolder).FullName,
                MaxDegreeOfParallelism = jobCount,
                EvaluationSet = parse.GetValue(evaluation),
            });
            bool interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            PreprocessingSummary summary = interactive
                ? await RunWithProgressBarAsync(preprocessor, cancellationToken).ConfigureAwait(false)
                : await preprocessor.RunAsync(new ProgressLines(output), cancellationToken).ConfigureAwait(false);

            ReportSkipped(parse.InvocationConfiguration.Error, summary);
            Report(output, parse.GetValue(json), summary);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<PreprocessingSummary> RunWithProgressBarAsync(Preprocessor preprocessor, CancellationToken cancellationToken) =>
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("preprocessing", maxValue: 1);
                var bar = new ProgressBar(task);
                return await preprocessor.RunAsync(bar, cancellationToken).ConfigureAwait(false);
            })
            .ConfigureAwait(false);

    private static void ReportSkipped(TextWriter error, PreprocessingSummary summary)
    {
        foreach (SkippedRecording skip in summary.Skipped.Take(ListedSkips))
        {
            error.WriteLine($"lewm: warning: skipped '{skip.Source}': {skip.Reason}");
        }

        if (summary.Skipped.Count > ListedSkips)
        {
            error.WriteLine($"lewm: warning: {summary.Skipped.Count - ListedSkips} more skipped; every one is listed in {Path.Combine(summary.OutputDirectory, Preprocessor.SummaryFileName)}");
        }
    }

    private static void Report(TextWriter output, bool json, PreprocessingSummary summary)
    {
        double seconds = summary.Elapsed.TotalSeconds;
        if (json)
        {
            output.WriteLine(JsonLine.Of(
                ("segments", summary.Segments),
                ("hours", summary.Hours),
                ("skipped", summary.Skipped.Count),
                ("seconds", seconds),
                ("recordings", summary.Recordings),
                ("reused", summary.Reused),
                ("speakers", summary.Speakers.Count),
                ("manifest", summary.ManifestPath)));
        }
        else
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"preprocess: {summary.Recordings} recordings ({summary.Reused} reused) of {summary.Speakers.Count} speaker(s) -> {summary.Segments} segments, {summary.Hours:0.###} h of audio in {seconds:0.#} s; {summary.Skipped.Count} skipped."));
            output.WriteLine($"manifest: {summary.ManifestPath}");
        }
    }

    /// <summary>Moves a Spectre.Console progress bar; called from the preprocessor's worker threads.</summary>
    private sealed class ProgressBar(ProgressTask task) : IProgress<PreprocessingProgress>
    {
        private readonly Lock _lock = new();

        public void Report(PreprocessingProgress value)
        {
            lock (_lock)
            {
                task.MaxValue = value.RecordingsTotal;
                if (value.RecordingsDone >= task.Value)
                {
                    task.Value = value.RecordingsDone;
                    task.Description = string.Create(
                        CultureInfo.InvariantCulture,
                        $"{value.RecordingsDone}/{value.RecordingsTotal} recordings, {value.Segments} segments, {value.Audio.TotalHours:0.00} h, {value.Skipped} skipped");
                }
            }
        }
    }

    /// <summary>Prints a plain progress line at every tenth of the recordings (for logs and pipes).</summary>
    private sealed class ProgressLines(TextWriter output) : IProgress<PreprocessingProgress>
    {
        private readonly Lock _lock = new();
        private int _printedTenths;

        public void Report(PreprocessingProgress value)
        {
            lock (_lock)
            {
                int tenths = value.RecordingsTotal == 0 ? 10 : 10 * value.RecordingsDone / value.RecordingsTotal;
                if (tenths <= _printedTenths)
                {
                    return;
                }

                _printedTenths = tenths;
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"preprocess: {value.RecordingsDone}/{value.RecordingsTotal} recordings, {value.Segments} segments, {value.Audio.TotalHours:0.###} h, {value.Skipped} skipped"));
            }
        }
    }
}
