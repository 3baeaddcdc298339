namespace LeWm.Checkpoints.Pickle;

/// <summary>A Python dict or <c>OrderedDict</c> as the unpickler holds it: its entries in insertion order, nothing more.</summary>
internal sealed class PickleDictionary
{
    /// <summary>The entries in the order the pickle set them; a later entry with an equal key wins when read.</summary>
    public List<KeyValuePair<object?, object?>> Entries { get; } = [];
}
