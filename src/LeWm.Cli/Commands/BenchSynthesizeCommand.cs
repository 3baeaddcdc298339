using System.CommandLine;
using System.Diagnostics;
using System.Text;
using LeWm.Inference;
using LeWm.Model.Backends;

namespace LeWm.Cli.Commands;

/// <summary>
/// <c>lewm bench synthesize --model DIR [--vocoder DIR|griffin-lim] [--seconds S] [--rounds N] [--json]</c>: end-to-end
/// speed of one request, the KV cache's speed-up, batched throughput, time to first streamed audio and peak memory.
/// </summary>
/// <remarks>
/// Every request asks for exactly round(S · rate / hop / downsample) latent frames
/// (<see cref="SynthesisOptions.ExactLatentFrames"/>), so a random-weight checkpoint whose stop head fires at once
/// still produces S seconds. The no-cache baseline runs <see cref="ISpeechModel.Predict"/> on the growing prefix
/// (text encoding and the whole predictor each step, keeping the last frame); it times an evenly spaced subset of
/// prefix lengths (all of them when <c>--no-cache-steps</c> covers every step) and integrates the per-step time
/// linearly over all steps.
/// </remarks>
internal static class BenchSynthesizeCommand
{
    /// <summary>Concurrent requests in the batched-throughput measurement unless <c>--batch</c> says otherwise.</summary>
    private const int DefaultBatchRequests = 16;

    /// <summary>A sentence of ordinary length; the exact frame count, not the text, sets the audio length.</summary>
    private const string Sentence = "The quick brown fox jumps over the lazy dog, and then it runs back home before the rain starts.";

    public static Command Create(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A checkpoint folder (config.json + model.safetensors).", Required = true };
        var vocoder = new Option<string>("--vocoder") { Description = VocoderFactory.Description, DefaultValueFactory = _ => VocoderFactory.GriffinLim };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of speech per request.", DefaultValueFactory = _ => 10.0 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds of each measurement (after one warm-up).", DefaultValueFactory = _ => 3 };
        var stepWeights = new Option<string>("--step-weights")
        {
            Description = "Weights of the fused CPU step: float32 (equal to TorchSharp's step) or bfloat16 (half the memory traffic).",
            DefaultValueFactory = _ => "float32",
        };
        stepWeights.AcceptOnlyFromAmong("float32", "bfloat16");
        var noCacheSteps = new Option<int>("--no-cache-steps") { Description = "Prefix lengths timed for the no-cache baseline (the rest are interpolated).", DefaultValueFactory = _ => 12 };
        var batchSize = new Option<int>("--batch")
        {
            Description = "Concurrent requests in the batched-throughput measurement (the engine's batch limit follows it).",
            DefaultValueFactory = _ => DefaultBatchRequests,
        };
        var device = DeviceOption.Create();
        var json = new Option<bool>("--json") { Description = "Print one JSON object as the last line." };
        var command = new Command("synthesize", "Time text → waveform end to end, the KV cache, batching and streaming.")
        {
            model, vocoder, seconds, rounds, noCacheSteps, stepWeights, batchSize, device, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            double audioSeconds = parse.GetValue(seconds);
            int runs = parse.GetValue(rounds);
            int sampledSteps = parse.GetValue(noCacheSteps);
            if (!(audioSeconds >= 0.1 && audioSeconds <= 600))
            {
                throw new UsageException($"--seconds must be between 0.1 and 600 (got {audioSeconds}).");
            }

            if (runs is < 1 or > 1000)
            {
                throw new UsageException($"--rounds must be between 1 and 1000 (got {runs}).");
            }

            if (sampledSteps < 2)
            {
                throw new UsageException($"--no-cache-steps must be at least 2 (got {sampledSteps}).");
            }

            int batchRequests = parse.GetValue(batchSize);
            if (batchRequests is < 1 or > 1024)
            {
                throw new UsageException($"--batch must be between 1 and 1024 (got {batchRequests}).");
            }

            ComputeDevice computeDevice = DeviceOption.Parse(parse.GetRequiredValue(device));

            string folder = ModelFolder.Require(parse.GetRequiredValue(model));
            bool quiet = parse.GetValue(json);
            string weights = parse.GetRequiredValue(stepWeights);
            ISpeechModel speechModel = SpeechModelFactory.Load(
                folder, computeDevice, weights == "bfloat16" ? ModelPrecision.BFloat16 : ModelPrecision.Full);
            await using TtsEngine engine = TtsEngine.CreateBuilder()
                .UseSpeechModel(speechModel)
                .UseVocoder(_ => VocoderFactory.Create(parse.GetRequiredValue(vocoder), computeDevice))
                .WithBatching(Math.Max(DefaultBatchRequests, batchRequests))
                .Build();
            SpeechModelInfo info = speechModel.Info;
            int frames = Math.Max(1, (int)Math.Round(audioSeconds * info.SampleRate / info.HopLength / info.Downsample));
            int maxFrames = (info.MaxMelFrames + info.Downsample - 1) / info.Downsample;
            if (frames > maxFrames)
            {
                throw new UsageException($"--seconds {audioSeconds} needs {frames} latent frames; this model generates at most {maxFrames} per run.");
            }

            // The engine owns the model and is idle here: the KV-cache and no-cache measurements call the model directly.
            string text = FitText(info.MaxTextBytes);
            var speechText = new SpeechText(Encoding.UTF8.GetBytes(text));
            Progress(output, quiet, $"KV-cache decode of {frames} latent frames ({runs} rounds)…");
            (double kvMs, LatentFrames generated) = TimeCachedDecode(speechModel, speechText, frames, runs, cancellationToken);
            Progress(output, quiet, $"No-cache baseline ({Math.Min(sampledSteps, frames)} of {frames} prefix lengths)…");
            (double noCacheMs, int timedSteps) = EstimateUncachedDecode(speechModel, speechText, generated, sampledSteps, cancellationToken);

            var options = new SynthesisOptions { ExactLatentFrames = frames, Seed = 1 };
            SpeechResult warmUp = await engine.SynthesizeAsync(text, options, cancellationToken).ConfigureAwait(false);
            double producedSeconds = warmUp.Duration.TotalSeconds;

            Progress(output, quiet, $"One request of {producedSeconds:0.##} s ({runs} rounds)…");
            var single = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await engine.SynthesizeAsync(text, options, cancellationToken).ConfigureAwait(false);
                single[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            Progress(output, quiet, $"Streaming ({runs} rounds)…");
            var firstAudio = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                firstAudio[i] = await TimeFirstChunkAsync(engine, text, options, cancellationToken).ConfigureAwait(false);
            }

            Progress(output, quiet, $"{batchRequests} concurrent requests ({runs} rounds)…");
            string[] texts = [.. Enumerable.Repeat(text, batchRequests)];
            var batch = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await engine.SynthesizeBatchAsync(texts, options, cancellationToken).ConfigureAwait(false);
                batch[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            double singleMs = Median(single);
            double batchMs = Median(batch);
            double peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            double batchSpeedup = batchRequests * singleMs / batchMs;
            var fields = new List<(string Key, object Value)>
            {
                ("stage", "synthesize"),
                ("device", computeDevice.ToString()),
                ("vocoder", parse.GetRequiredValue(vocoder)),
                ("step_weights", weights),
                ("audio_seconds", producedSeconds),
                ("latent_frames", frames),
                ("median_ms", singleMs),
                ("min_ms", single.Min()),
                ("rounds", runs),
                ("realtime_factor", producedSeconds / (singleMs / 1000.0)),
                ("kv_cache_ms", kvMs),
                ("no_cache_ms", noCacheMs),
                ("no_cache_steps_timed", timedSteps),
                ("kv_cache_speedup", noCacheMs / kvMs),
                ("batch_size", batchRequests),
                ("batch_ms", batchMs),
                ("batch_speedup", batchSpeedup),
                ("batch_realtime_factor", batchRequests * producedSeconds / (batchMs / 1000.0)),
                ("first_audio_ms", Median(firstAudio)),
                ("peak_mb", peakMb),
                ("processors", Environment.ProcessorCount),
            };
            if (batchRequests == DefaultBatchRequests)
            {
                fields.Add(("batch16_ms", batchMs));
                fields.Add(("batch16_speedup", batchSpeedup));
            }

            if (quiet)
            {
                output.WriteLine(JsonLine.Of([.. fields]));
            }
            else
            {
                output.WriteLine(
                    $"synthesize: {producedSeconds:0.##} s of speech in {singleMs:0} ms (median of {runs}): {producedSeconds / (singleMs / 1000.0):0.#}× real time on {Environment.ProcessorCount} cores.");
                output.WriteLine($"  KV cache: {kvMs:0} ms vs {noCacheMs:0} ms re-running the prefix ({noCacheMs / kvMs:0.#}×).");
                output.WriteLine(
                    $"  batch of {batchRequests}: {batchMs:0} ms ({batchSpeedup:0.##}× the single-request throughput, {batchRequests * producedSeconds / (batchMs / 1000.0):0.#}× real time).");
                output.WriteLine($"  first streamed audio after {Median(firstAudio):0} ms; peak working set {peakMb:0} MB.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Times autoregressive decoding of <paramref name="frames"/> frames with the backend's KV cache (text encoding included).</summary>
    /// <returns>The median milliseconds and the latents of the last round.</returns>
    private static (double Milliseconds, LatentFrames Latents) TimeCachedDecode(
        ISpeechModel model, SpeechText text, int frames, int rounds, CancellationToken cancellationToken)
    {
        int size = model.Info.LatentSize;
        var latents = new float[frames * size];
        var times = new double[rounds];
        var stop = new float[1];
        for (int round = -1; round < rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            using (ISpeechSequence sequence = model.StartSequence(text))
            {
                ISpeechSequence[] batch = [sequence];
                ReadOnlySpan<float> input = new float[size];
                for (int step = 0; step < frames; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Span<float> next = latents.AsSpan(step * size, size);
                    model.Advance(batch, input, next, stop);
                    input = next;
                }
            }

            if (round >= 0)
            {
                times[round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        return (Median(times), new LatentFrames(latents, frames, size));
    }

    /// <summary>
    /// Estimates decoding the same frames without a cache: step t runs the whole model on the t-frame prefix. Times
    /// up to <paramref name="samples"/> evenly spaced prefix lengths and interpolates linearly between them.
    /// </summary>
    /// <returns>The estimated milliseconds for all steps and how many steps were timed.</returns>
    private static (double Milliseconds, int TimedSteps) EstimateUncachedDecode(
        ISpeechModel model, SpeechText text, LatentFrames latents, int samples, CancellationToken cancellationToken)
    {
        int steps = latents.Frames;
        int[] lengths = [.. Enumerable.Range(0, Math.Min(samples, steps))
            .Select(i => steps == 1 ? 1 : 1 + (int)Math.Round((double)i * (steps - 1) / (Math.Min(samples, steps) - 1)))
            .Distinct()];
        model.Predict(text, latents.Slice(0, lengths[^1]), cancellationToken);
        var measured = new double[lengths.Length];
        for (int i = 0; i < lengths.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Predict(text, latents.Slice(0, lengths[i]), cancellationToken);
            measured[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        double total = 0;
        int segment = 0;
        for (int t = 1; t <= steps; t++)
        {
            while (segment < lengths.Length - 1 && lengths[segment + 1] < t)
            {
                segment++;
            }

            if (segment == lengths.Length - 1 || lengths[segment] == t)
            {
                total += measured[segment];
                continue;
            }

            double fraction = (double)(t - lengths[segment]) / (lengths[segment + 1] - lengths[segment]);
            total += measured[segment] + (fraction * (measured[segment + 1] - measured[segment]));
        }

        return (total, lengths.Length);
    }

    /// <summary>Streams one request to its end and returns the first chunk's time to audio in milliseconds.</summary>
    private static async Task<double> TimeFirstChunkAsync(TtsEngine engine, string text, SynthesisOptions options, CancellationToken cancellationToken)
    {
        double? first = null;
        await foreach (AudioChunk chunk in engine.StreamAsync(text, options, cancellationToken).ConfigureAwait(false))
        {
            if (first is null && chunk.Samples.Length > 0)
            {
                first = chunk.Elapsed.TotalMilliseconds;
            }
        }

        return first ?? double.NaN;
    }

    /// <summary>Cuts the benchmark sentence to what one run of the model takes.</summary>
    private static string FitText(int maxBytes)
    {
        string text = Sentence;
        while (Encoding.UTF8.GetByteCount(text) > maxBytes)
        {
            text = text[..^1];
        }

        return text;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    private static void Progress(TextWriter output, bool json, string line)
    {
        if (!json)
        {
            output.WriteLine(line);
        }
    }
}
