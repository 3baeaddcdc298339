using TorchSharp;

namespace LeWm.Checkpoints.Pickle;

/// <summary>A tensor storage named by a persistent id: the record <c>data/&lt;Key&gt;</c> of the zip archive.</summary>
/// <param name="Key">The record's name under <c>data/</c>.</param>
/// <param name="DType">The element type, from the storage class (<c>torch.FloatStorage</c> → float32).</param>
/// <param name="ElementCount">How many elements the record holds.</param>
internal sealed record StorageReference(string Key, torch.ScalarType DType, long ElementCount);
