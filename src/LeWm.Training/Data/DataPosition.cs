namespace LeWm.Training.Data;

/// <summary>Where the data stream stands: the next batch to train on is batch <paramref name="Batch"/> of epoch <paramref name="Epoch"/>.</summary>
/// <param name="Epoch">The epoch, ≥ 0.</param>
/// <param name="Batch">The batch index inside the epoch's plan, ≥ 0.</param>
public readonly record struct DataPosition(int Epoch, int Batch);
