namespace LeWm.Checkpoints.Pickle;

/// <summary>A tensor as the pickle describes it: a strided view of a storage, not yet read.</summary>
/// <param name="Storage">The storage the view reads.</param>
/// <param name="StorageOffset">The index, in elements, of the view's first element.</param>
/// <param name="Shape">The view's sizes.</param>
/// <param name="Stride">The view's strides, in elements.</param>
internal sealed record TensorReference(StorageReference Storage, long StorageOffset, long[] Shape, long[] Stride);
