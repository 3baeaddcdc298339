using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LeWm.Inference;

/// <summary>
/// Gathers concurrent requests into batches and runs their autoregressive loops in lockstep on one worker thread:
/// each step advances every live sequence by one frame; a sequence leaves the batch when its stop head fires, it
/// reaches its cap, or its caller cancels. A request that fails (bad text) fails alone.
/// </summary>
internal sealed partial class GenerationScheduler : IAsyncDisposable
{
    private readonly ISpeechModel _model;
    private readonly ModelGate _modelGate;
    private readonly TtsEngineOptions _options;
    private readonly TtsTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly Channel<GenerationRequest> _queue = Channel.CreateUnbounded<GenerationRequest>();
    private readonly Task _worker;
    private int _queued;

    public GenerationScheduler(ISpeechModel model, ModelGate modelGate, TtsEngineOptions options, TtsTelemetry telemetry, ILogger logger)
    {
        _model = model;
        _modelGate = modelGate;
        _options = options;
        _telemetry = telemetry;
        _logger = logger;
        _worker = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Gets the requests waiting for a batch.</summary>
    public int QueueLength => Volatile.Read(ref _queued);

    public void Enqueue(GenerationRequest request)
    {
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(TtsEngine));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<GenerationRequest>(_options.MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            await GatherAsync(batch).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await RunBatchAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The worker must survive any backend failure; the batch's callers get the exception.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogBatchFailed(_logger, e, batch.Count);
                foreach (GenerationRequest request in batch)
                {
                    request.Fail(e);
                }
            }
        }
    }

    private async Task GatherAsync(List<GenerationRequest> batch)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxBatchWait.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < _options.MaxBatchSize)
        {
            if (_queue.Reader.TryRead(out GenerationRequest? request))
            {
                Interlocked.Decrement(ref _queued);
                request.Queued = Stopwatch.GetElapsedTime(request.EnqueuedAt);
                if (request.CancellationToken.IsCancellationRequested)
                {
                    request.Cancel();
                    continue;
                }

                batch.Add(request);
                continue;
            }

            long remaining = deadline - Stopwatch.GetTimestamp();
            if (batch.Count > 0 && remaining <= 0)
            {
                return;
            }

            if (batch.Count == 0)
            {
                if (!await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
            try
            {
                if (!await _queue.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RunBatchAsync(List<GenerationRequest> batch)
    {
        long started = Stopwatch.GetTimestamp();
        _telemetry.BatchSize.Record(batch.Count);
        using Activity? activity = TtsTelemetry.Source.StartActivity("lewm.generate");
        activity?.SetTag("lewm.batch_size", batch.Count);
        var live = new List<(GenerationRequest Request, ISpeechSequence Sequence, int Generated)>(batch.Count);
        try
        {
            using (await _modelGate.EnterAsync().ConfigureAwait(false))
            {
                foreach (GenerationRequest request in batch)
                {
                    try
                    {
                        live.Add((request, _model.StartSequence(request.Text, request.Prompt), 0));
                    }
                    catch (ArgumentException e)
                    {
                        request.Fail(e);
                    }
                }
            }

            int l = _model.Info.LatentSize;
            var sequences = new List<ISpeechSequence>(live.Count);
            float[] inputs = new float[live.Count * l], next = new float[live.Count * l], stop = new float[live.Count];
            while (live.Count > 0)
            {
                for (int i = live.Count - 1; i >= 0; i--)
                {
                    if (live[i].Request.CancellationToken.IsCancellationRequested)
                    {
                        live[i].Request.Cancel();
                        live[i].Sequence.Dispose();
                        live.RemoveAt(i);
                        inputs.AsSpan(((i + 1) * l)..).CopyTo(inputs.AsSpan(i * l));
                    }
                }

                if (live.Count == 0)
                {
                    break;
                }

                sequences.Clear();
                sequences.AddRange(live.Select(x => x.Sequence));
                int b = live.Count;
                using (await _modelGate.EnterAsync().ConfigureAwait(false))
                {
                    _model.Advance(sequences, inputs.AsSpan(0, b * l), next.AsSpan(0, b * l), stop.AsSpan(0, b));
                }

                int kept = 0;
                for (int i = 0; i < b; i++)
                {
                    (GenerationRequest request, ISpeechSequence sequence, int generated) = live[i];
                    float[] latent = next.AsSpan(i * l, l).ToArray();
                    if (request.Noise is Random noise)
                    {
                        AddNoise(latent, noise, request.Temperature);
                    }

                    request.Latents.Writer.TryWrite(latent);
                    generated++;
                    bool stopped = !request.ExactLength && stop[i] > request.StopLogit;
                    if (stopped || generated >= request.Cap)
                    {
                        request.Generation = Stopwatch.GetElapsedTime(started);
                        request.Latents.Writer.TryComplete();
                        request.Completion.TrySetResult(stopped);
                        sequence.Dispose();
                        continue;
                    }

                    latent.CopyTo(inputs, kept * l);
                    live[kept++] = (request, sequence, generated);
                }

                live.RemoveRange(kept, live.Count - kept);
            }
        }
        finally
        {
            foreach ((GenerationRequest request, ISpeechSequence sequence, _) in live)
            {
                sequence.Dispose();
            }
        }
    }

    /// <summary>Adds N(0, temperature²) noise (Box–Muller) to a latent.</summary>
    private static void AddNoise(float[] latent, Random random, double temperature)
    {
        for (int i = 0; i < latent.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            latent[i] += (float)(temperature * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A generation batch of {Count} requests failed.")]
    private static partial void LogBatchFailed(ILogger logger, Exception error, int count);
}
