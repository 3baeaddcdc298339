using TorchSharp;

namespace LeWm.Checkpoints.Pickle;

/// <summary>An allowed global as the unpickler holds it: inert, it only says which rebuild step a REDUCE means.</summary>
/// <param name="Kind">Which allowed global it is.</param>
/// <param name="Name">The dotted name, for messages (<c>torch._utils._rebuild_tensor_v2</c>).</param>
/// <param name="StorageType">The element type when <paramref name="Kind"/> is <see cref="AllowedGlobal.StorageType"/>.</param>
internal sealed record PickleGlobal(AllowedGlobal Kind, string Name, torch.ScalarType StorageType = torch.ScalarType.Float32);
