using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using LeWm.Model.Config;

namespace LeWm.Training.Data;

/// <summary>
/// Collates the coming training batches on a background task into a bounded channel, epoch after epoch without end,
/// so the training loop finds the next batch ready; measures how long the consumer waited.
/// </summary>
/// <remarks>
/// The stream starts at a <see cref="DataPosition"/> and follows <see cref="FrameBatchSampler.Epoch"/> exactly, so a
/// resumed run sees the same batches as an uninterrupted one. One consumer at a time. Dispose to stop the producer.
/// </remarks>
public sealed class BatchPrefetcher : IAsyncDisposable
{
    private readonly Channel<PrefetchedBatch> _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private long _waitTicks;

    /// <summary>Starts collating batches in the background.</summary>
    /// <param name="items">The training items.</param>
    /// <param name="sampler">The batch plan over <paramref name="items"/>.</param>
    /// <param name="config">The configuration (pad id, mel bands).</param>
    /// <param name="withSpeakers">Whether batches carry speaker ids.</param>
    /// <param name="start">The first batch to produce.</param>
    /// <param name="capacity">How many batches may wait ready (default 4).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive, or the sampler does not match the items.</exception>
    public BatchPrefetcher(
        IReadOnlyList<DatasetItem> items, FrameBatchSampler sampler, LeWmConfig config, bool withSpeakers, DataPosition start, int capacity = 4)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (sampler.Count != items.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(sampler), sampler.Count, $"The sampler plans {sampler.Count} items; there are {items.Count}.");
        }

        _channel = Channel.CreateBounded<PrefetchedBatch>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        CancellationToken token = _stop.Token;
        _producer = Task.Run(() => ProduceAsync(items, sampler, config, withSpeakers, start, token), CancellationToken.None);
    }

    /// <summary>Gets the total time <see cref="NextAsync"/> spent waiting for a batch that was not ready.</summary>
    public TimeSpan WaitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitTicks));

    /// <summary>Returns the next batch, waiting only when the producer is behind.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The batch and its position.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<PrefetchedBatch> NextAsync(CancellationToken cancellationToken = default)
    {
        if (_channel.Reader.TryRead(out PrefetchedBatch? ready))
        {
            return ready;
        }

        long start = Stopwatch.GetTimestamp();
        try
        {
            return await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        finally
        {
            Interlocked.Add(ref _waitTicks, Stopwatch.GetTimestamp() - start);
        }
    }

    /// <summary>Stops the producer and waits for it to finish.</summary>
    /// <returns>A task that completes when the producer has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _producer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The producer stops by cancellation; nothing was lost.
        }

        _stop.Dispose();
    }

    private async Task ProduceAsync(
        IReadOnlyList<DatasetItem> items, FrameBatchSampler sampler, LeWmConfig config, bool withSpeakers, DataPosition start, CancellationToken token)
    {
        try
        {
            int epoch = start.Epoch;
            int batch = start.Batch;
            while (!token.IsCancellationRequested)
            {
                IReadOnlyList<int[]> plan = sampler.Epoch(epoch);
                for (; batch < plan.Count; batch++)
                {
                    CollatedBatch collated = CollatedBatch.Collate(items, plan[batch], config, withSpeakers);
                    DataPosition next = batch + 1 < plan.Count ? new DataPosition(epoch, batch + 1) : new DataPosition(epoch + 1, 0);
                    await _channel.Writer.WriteAsync(new PrefetchedBatch(collated, new DataPosition(epoch, batch), next), token).ConfigureAwait(false);
                }

                epoch++;
                batch = 0;
            }

            _channel.Writer.TryComplete();
        }
        catch (OperationCanceledException)
        {
            _channel.Writer.TryComplete();
        }
#pragma warning disable CA1031 // A producer failure is handed to the consumer through the channel.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _channel.Writer.TryComplete(e);
        }
    }
}
