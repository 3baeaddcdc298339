using System.CommandLine;
using System.Diagnostics;
using LeWm.Audio.Mel;
using LeWm.Inference;

namespace LeWm.Cli.Commands;

/// <summary><c>lewm bench mel|…</c>: timings of the SDK's stages on this machine.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("bench", "Measure how fast a stage runs on this machine.");
        command.Subcommands.Add(CreateMel(output));
        command.Subcommands.Add(CreateVocoder(output));
        command.Subcommands.Add(BenchSynthesizeCommand.Create(output));
        return command;
    }

    private static Command CreateMel(TextWriter output)
    {
        var seconds = new Option<double>("--seconds") { Description = "Seconds of 24 kHz audio per run.", DefaultValueFactory = _ => 10.0 };
        var iterations = new Option<int>("--iterations") { Description = "Timed runs (after warm-up).", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object as the last line." };
        var command = new Command("mel", "Time the log-mel front end.") { seconds, iterations, json };
        command.SetAction(parse =>
        {
            double audioSeconds = parse.GetValue(seconds);
            int runs = parse.GetValue(iterations);
            if (!(audioSeconds >= 0.05 && audioSeconds <= 3600))
            {
                throw new UsageException($"--seconds must be between 0.05 and 3600 (got {audioSeconds}).");
            }

            if (runs is < 1 or > 100_000)
            {
                throw new UsageException($"--iterations must be between 1 and 100000 (got {runs}).");
            }

            float[] audio = BenchmarkAudio.Create((int)(audioSeconds * 24_000));
            var mel = new MelSpectrogram();
            Timing timing = Timing.Measure(() => mel.Compute(audio), runs);
            Report(output, parse.GetValue(json), "mel", audioSeconds, timing);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateVocoder(TextWriter output)
    {
        var vocoder = new Option<string>("--vocoder") { Description = VocoderFactory.Description, Required = true };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of audio per run.", DefaultValueFactory = _ => 10.0 };
        var iterations = new Option<int>("--iterations") { Description = "Timed runs (after warm-up).", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object as the last line." };
        var command = new Command("vocoder", "Time a vocoder on a log-mel of speech-like audio.") { vocoder, seconds, iterations, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            double audioSeconds = parse.GetValue(seconds);
            int runs = parse.GetValue(iterations);
            if (!(audioSeconds >= 0.1 && audioSeconds <= 600))
            {
                throw new UsageException($"--seconds must be between 0.1 and 600 (got {audioSeconds}).");
            }

            if (runs is < 1 or > 10_000)
            {
                throw new UsageException($"--iterations must be between 1 and 10000 (got {runs}).");
            }

            using IVocoder backend = VocoderFactory.Create(parse.GetRequiredValue(vocoder));
            float[] audio = BenchmarkAudio.Create((int)(audioSeconds * backend.SampleRate), backend.SampleRate);
            LogMel logMel = new MelSpectrogram(new MelOptions { SampleRate = backend.SampleRate, Bands = backend.MelBands, HopLength = backend.HopLength })
                .Compute(audio);
            Timing timing = await Timing.MeasureAsync(() => backend.VocodeAsync([logMel], cancellationToken), runs).ConfigureAwait(false);
            Report(output, parse.GetValue(json), "vocoder", audioSeconds, timing);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Report(TextWriter output, bool json, string stage, double audioSeconds, Timing timing)
    {
        double realtime = audioSeconds / (timing.MedianMilliseconds / 1000.0);
        if (json)
        {
            output.WriteLine(JsonLine.Of(
                ("stage", stage),
                ("audio_seconds", audioSeconds),
                ("median_ms", timing.MedianMilliseconds),
                ("min_ms", timing.MinMilliseconds),
                ("iterations", timing.Iterations),
                ("realtime_factor", realtime),
                ("processors", Environment.ProcessorCount)));
        }
        else
        {
            output.WriteLine($"{stage}: {audioSeconds:0.##} s of audio in {timing.MedianMilliseconds:0.###} ms (median of {timing.Iterations}, min {timing.MinMilliseconds:0.###} ms): {realtime:0.#}× real time on {Environment.ProcessorCount} cores.");
        }
    }

    /// <summary>Median and minimum wall time of repeated runs, after a warm-up.</summary>
    private sealed record Timing(double MedianMilliseconds, double MinMilliseconds, int Iterations)
    {
        private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(1);

        /// <summary>Times <paramref name="run"/> after a warm-up of at least five runs and one second.</summary>
        public static Timing Measure(Action run, int iterations)
        {
            long warmUpStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < 5 || Stopwatch.GetElapsedTime(warmUpStart) < s_warmUp; i++)
            {
                run();
            }

            var times = new double[iterations];
            for (int i = 0; i < iterations; i++)
            {
                long start = Stopwatch.GetTimestamp();
                run();
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            return FromTimes(times);
        }

        public static async Task<Timing> MeasureAsync(Func<Task> run, int iterations)
        {
            for (int i = 0; i < Math.Min(2, iterations); i++)
            {
                await run().ConfigureAwait(false);
            }

            var times = new double[iterations];
            for (int i = 0; i < iterations; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await run().ConfigureAwait(false);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            return FromTimes(times);
        }

        private static Timing FromTimes(double[] times)
        {
            int iterations = times.Length;
            Array.Sort(times);
            double median = iterations % 2 == 1 ? times[iterations / 2] : (times[(iterations / 2) - 1] + times[iterations / 2]) / 2;
            return new Timing(median, times[0], iterations);
        }
    }
}
