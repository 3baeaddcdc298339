namespace LeWm.Training.Data;

/// <summary>One batch from <see cref="BatchPrefetcher"/> and where the stream stands after it.</summary>
/// <param name="Batch">The collated batch.</param>
/// <param name="Position">The position of this batch.</param>
/// <param name="Next">The position of the batch after it (what a resumed run starts from).</param>
public sealed record PrefetchedBatch(CollatedBatch Batch, DataPosition Position, DataPosition Next);
