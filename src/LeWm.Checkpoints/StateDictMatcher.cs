using TorchSharp;

namespace LeWm.Checkpoints;

/// <summary>
/// Checks a state dict against a module's <c>state_dict()</c>, key by key and shape by shape, and only when everything
/// fits copies the values in, so that a failed load leaves the module as it was.
/// </summary>
internal static class StateDictMatcher
{
    /// <summary>Copies <paramref name="tensors"/> into <paramref name="module"/>'s parameters and buffers.</summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="tensors">The state dict.</param>
    /// <param name="source">Where the state dict came from, named in errors.</param>
    /// <param name="strict">Whether a missing or unexpected key is an error.</param>
    /// <returns>The keys left out on either side.</returns>
    /// <exception cref="CheckpointFormatException">
    /// A key is missing or unexpected (when strict), or a tensor's shape or dtype does not fit; the message names the first.
    /// </exception>
    public static StateDictLoadResult CopyInto(torch.nn.Module module, IReadOnlyDictionary<string, torch.Tensor> tensors, string source, bool strict)
    {
        Dictionary<string, torch.Tensor> expected = module.state_dict();
        List<string> missing = expected.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        List<string> unexpected = tensors.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (strict && missing.Count > 0)
        {
            throw new CheckpointFormatException(
                $"'{source}' has no tensor '{missing[0]}', which the model expects{More(missing.Count, "missing")}.");
        }

        if (strict && unexpected.Count > 0)
        {
            throw new CheckpointFormatException(
                $"Tensor '{unexpected[0]}' in '{source}' is not part of the model{More(unexpected.Count, "unexpected")}.");
        }

        var pairs = new List<(torch.Tensor Target, torch.Tensor Value)>(expected.Count);
        foreach ((string key, torch.Tensor target) in expected)
        {
            if (!tensors.TryGetValue(key, out torch.Tensor? value))
            {
                continue;
            }

            if (!value.shape.AsSpan().SequenceEqual(target.shape))
            {
                throw new CheckpointFormatException(
                    $"Tensor '{key}' in '{source}' is {ShapeText.Format(value.shape)}; the model expects {ShapeText.Format(target.shape)}.");
            }

            bool convertible = value.dtype == target.dtype
                || (ScalarTypes.IsFloatingPoint(value.dtype) && ScalarTypes.IsFloatingPoint(target.dtype));
            if (!convertible)
            {
                throw new CheckpointFormatException(
                    $"Tensor '{key}' in '{source}' is {ScalarTypes.Name(value.dtype)}; the model expects {ScalarTypes.Name(target.dtype)}.");
            }

            pairs.Add((target, value));
        }

        using (torch.no_grad())
        {
            foreach ((torch.Tensor target, torch.Tensor value) in pairs)
            {
                target.copy_(value);
            }
        }

        return new StateDictLoadResult(missing, unexpected);
    }

    private static string More(int count, string what) =>
        count > 1 ? $" ({count - 1} more {what} key{(count > 2 ? "s" : "")})" : "";
}
