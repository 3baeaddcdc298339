using LeWm.Training.Data;

namespace LeWm.Training.Tests.Data;

public sealed class FrameBatchSamplerTests
{
    private static int[] Lengths(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(20, 400))];
    }

    [Fact]
    public void Epoch_ManyItems_RespectsBudgetAndCoversEveryItemOnce()
    {
        int[] frames = Lengths(1000, 1);
        var sampler = new FrameBatchSampler(frames, batchFrames: 2000, seed: 5, poolSize: 128);

        for (int epoch = 0; epoch < 3; epoch++)
        {
            IReadOnlyList<int[]> batches = sampler.Epoch(epoch);
            Assert.All(batches, batch => Assert.True(batch.Length * batch.Max(i => frames[i]) <= 2000));
            Assert.Equal(Enumerable.Range(0, frames.Length), batches.SelectMany(b => b).Order());
        }
    }

    [Fact]
    public void Epoch_BucketsByLength_PadsLittle()
    {
        int[] frames = Lengths(1000, 2);
        var sampler = new FrameBatchSampler(frames, batchFrames: 3000, seed: 5);

        IReadOnlyList<int[]> batches = sampler.Epoch(0);
        long padded = batches.Sum(b => (long)b.Length * b.Max(i => frames[i]));
        long valid = frames.Sum();
        Assert.True(padded < valid * 1.15, $"padding {padded} vs {valid}");
    }

    [Fact]
    public void Epoch_ItemOverBudget_GetsBatchOfItsOwn()
    {
        var sampler = new FrameBatchSampler([50, 500, 60], batchFrames: 200, seed: 1);

        IReadOnlyList<int[]> batches = sampler.Epoch(0);

        Assert.Contains(batches, b => b.Length == 1 && b[0] == 1);
        Assert.Equal([0, 1, 2], batches.SelectMany(b => b).Order());
    }

    [Fact]
    public void Epoch_SameSeedAndEpoch_SameOrder_OtherEpochOrSeed_Differs()
    {
        int[] frames = Lengths(300, 3);
        var first = new FrameBatchSampler(frames, 1500, seed: 9);
        var second = new FrameBatchSampler(frames, 1500, seed: 9);
        var other = new FrameBatchSampler(frames, 1500, seed: 10);

        static string Key(IReadOnlyList<int[]> batches) => string.Join("|", batches.Select(b => string.Join(",", b)));

        Assert.Equal(Key(first.Epoch(4)), Key(second.Epoch(4)));
        Assert.NotEqual(Key(first.Epoch(4)), Key(first.Epoch(5)));
        Assert.NotEqual(Key(first.Epoch(4)), Key(other.Epoch(4)));
    }

    [Fact]
    public void Constructor_NoItems_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameBatchSampler([], 100, 1));
    }
}
