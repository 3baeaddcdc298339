using System.Globalization;

namespace LeWm.Training.Data;

/// <summary>
/// Groups items into batches by a budget of padded mel frames (items × longest item ≤ <see cref="BatchFrames"/>), with
/// length bucketing and an order that depends only on the seed and the epoch.
/// </summary>
/// <remarks>
/// Each epoch: the items are shuffled (seeded by seed and epoch), cut into pools of <see cref="PoolSize"/> items, each
/// pool is sorted by length and packed greedily into batches, and the batches are shuffled. Every item appears in
/// exactly one batch per epoch. An item longer than the budget on its own gets a batch of its own. Immutable;
/// thread-safe.
/// </remarks>
public sealed class FrameBatchSampler
{
    private readonly int[] _frames;

    /// <summary>Creates a sampler over items of the given lengths.</summary>
    /// <param name="frames">Each item's mel frames, ≥ 1.</param>
    /// <param name="batchFrames">The budget of padded frames per batch, ≥ 1.</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <param name="poolSize">Items sorted together by length (default 512); 1 disables bucketing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="frames"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive.</exception>
    public FrameBatchSampler(IReadOnlyList<int> frames, int batchFrames, long seed, int poolSize = 512)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize);
        if (frames.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), "The sampler needs at least one item.");
        }

        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(frames), frames[i],
                    string.Create(CultureInfo.InvariantCulture, $"Item {i} has {frames[i]} frames; expected >= 1."));
            }
        }

        _frames = [.. frames];
        BatchFrames = batchFrames;
        Seed = seed;
        PoolSize = poolSize;
    }

    /// <summary>Gets the budget of padded frames per batch.</summary>
    public int BatchFrames { get; }

    /// <summary>Gets the shuffling seed.</summary>
    public long Seed { get; }

    /// <summary>Gets the number of items sorted together by length.</summary>
    public int PoolSize { get; }

    /// <summary>Gets the number of items.</summary>
    public int Count => _frames.Length;

    /// <summary>Plans one epoch.</summary>
    /// <param name="epoch">The epoch number, ≥ 0.</param>
    /// <returns>The batches in training order, each a list of item indices sorted longest first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var random = new Random(EpochSeed(Seed, epoch));
        int[] order = [.. Enumerable.Range(0, _frames.Length)];
        random.Shuffle(order);
        var batches = new List<int[]>();
        for (int start = 0; start < order.Length; start += PoolSize)
        {
            int[] pool = order[start..Math.Min(order.Length, start + PoolSize)];
            Array.Sort(pool, (a, b) => _frames[b] != _frames[a] ? _frames[b].CompareTo(_frames[a]) : a.CompareTo(b));
            Pack(pool, batches);
        }

        int[][] shuffled = [.. batches];
        random.Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>Plans every item once, in length order, without shuffling (for validation).</summary>
    /// <returns>The batches, longest items first.</returns>
    public IReadOnlyList<int[]> Sequential()
    {
        int[] order = [.. Enumerable.Range(0, _frames.Length)];
        Array.Sort(order, (a, b) => _frames[b] != _frames[a] ? _frames[b].CompareTo(_frames[a]) : a.CompareTo(b));
        var batches = new List<int[]>();
        Pack(order, batches);
        return batches;
    }

    private void Pack(int[] sortedLongestFirst, List<int[]> batches)
    {
        var current = new List<int>();
        int longest = 0;
        foreach (int index in sortedLongestFirst)
        {
            int frames = _frames[index];
            int nextLongest = Math.Max(longest, frames);
            if (current.Count > 0 && (long)nextLongest * (current.Count + 1) > BatchFrames)
            {
                batches.Add([.. current]);
                current.Clear();
                nextLongest = frames;
            }

            current.Add(index);
            longest = nextLongest;
        }

        if (current.Count > 0)
        {
            batches.Add([.. current]);
        }
    }

    private static int EpochSeed(long seed, int epoch)
    {
        // splitmix64 of (seed, epoch): well-spread 32-bit seeds for System.Random, identical on every platform.
        ulong z = unchecked((ulong)seed + (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1)));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return unchecked((int)z);
    }
}
