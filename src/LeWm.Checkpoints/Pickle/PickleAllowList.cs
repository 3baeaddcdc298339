using TorchSharp;

namespace LeWm.Checkpoints.Pickle;

/// <summary>
/// The globals a PyTorch state dict needs: <c>collections.OrderedDict</c>, the tensor and parameter rebuild functions of
/// <c>torch._utils</c>, and the typed storage classes. Everything else, <c>torch.storage._load_from_bytes</c>
/// (which unpickles nested data) included, is refused.
/// </summary>
internal static class PickleAllowList
{
    private static readonly Dictionary<string, PickleGlobal> s_allowed = Build();

    /// <summary>Looks up <paramref name="module"/>.<paramref name="name"/> among the allowed globals.</summary>
    /// <returns>The global, or null when it is not allowed.</returns>
    public static PickleGlobal? Find(string module, string name) =>
        s_allowed.GetValueOrDefault(module + "." + name);

    /// <summary>
    /// Returns the dotted name of a global as Python 3 spells it, for messages: protocol 2 pickles write
    /// <c>__builtin__</c> for <c>builtins</c> and <c>copy_reg</c> for <c>copyreg</c>.
    /// </summary>
    public static string DisplayName(string module, string name)
    {
        string python3Module = module switch
        {
            "__builtin__" or "exceptions" => "builtins",
            "copy_reg" => "copyreg",
            _ => module,
        };
        return python3Module + "." + name;
    }

    /// <summary>Lists the allowed globals' dotted names, for messages and documentation.</summary>
    public static IEnumerable<string> Names => s_allowed.Keys.Order(StringComparer.Ordinal);

    private static Dictionary<string, PickleGlobal> Build()
    {
        var allowed = new Dictionary<string, PickleGlobal>(StringComparer.Ordinal);
        void Add(AllowedGlobal kind, string name, torch.ScalarType storageType = torch.ScalarType.Float32) =>
            allowed.Add(name, new PickleGlobal(kind, name, storageType));

        Add(AllowedGlobal.OrderedDict, "collections.OrderedDict");
        Add(AllowedGlobal.RebuildTensorV2, "torch._utils._rebuild_tensor_v2");
        Add(AllowedGlobal.RebuildTensor, "torch._utils._rebuild_tensor");
        Add(AllowedGlobal.RebuildParameter, "torch._utils._rebuild_parameter");
        Add(AllowedGlobal.RebuildParameterWithState, "torch._utils._rebuild_parameter_with_state");
        Add(AllowedGlobal.StorageType, "torch.FloatStorage", torch.ScalarType.Float32);
        Add(AllowedGlobal.StorageType, "torch.DoubleStorage", torch.ScalarType.Float64);
        Add(AllowedGlobal.StorageType, "torch.HalfStorage", torch.ScalarType.Float16);
        Add(AllowedGlobal.StorageType, "torch.BFloat16Storage", torch.ScalarType.BFloat16);
        Add(AllowedGlobal.StorageType, "torch.LongStorage", torch.ScalarType.Int64);
        Add(AllowedGlobal.StorageType, "torch.IntStorage", torch.ScalarType.Int32);
        Add(AllowedGlobal.StorageType, "torch.ShortStorage", torch.ScalarType.Int16);
        Add(AllowedGlobal.StorageType, "torch.CharStorage", torch.ScalarType.Int8);
        Add(AllowedGlobal.StorageType, "torch.ByteStorage", torch.ScalarType.Byte);
        Add(AllowedGlobal.StorageType, "torch.BoolStorage", torch.ScalarType.Bool);
        return allowed;
    }
}
