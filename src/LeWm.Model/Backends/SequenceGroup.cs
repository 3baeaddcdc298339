using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Backends;

/// <summary>
/// Sequences decoded together: their cross-attention keys/values and text mask stacked (right-padded to the longest
/// text) and one <see cref="PredictorCache"/> whose rows are the members, in order.
/// </summary>
/// <remarks>
/// A group lives while any member points at it: a member that moves to another group or is disposed releases it,
/// and the last release frees the tensors. Every tensor here is outside any dispose scope.
/// </remarks>
internal sealed class SequenceGroup : IDisposable
{
    private readonly Tensor[] _crossKeys;
    private readonly Tensor[] _crossValues;
    private readonly Tensor _textMask;
    private int _liveMembers;

    private SequenceGroup(IReadOnlyList<LeWmSpeechSequence> members, Tensor[] crossKeys, Tensor[] crossValues, Tensor textMask, PredictorCache cache)
    {
        Members = members;
        _crossKeys = crossKeys;
        _crossValues = crossValues;
        _textMask = textMask;
        Cache = cache;
        _liveMembers = members.Count;
    }

    /// <summary>Gets the members, in row order.</summary>
    public IReadOnlyList<LeWmSpeechSequence> Members { get; }

    /// <summary>Gets the group's incremental-decoding cache.</summary>
    public PredictorCache Cache { get; }

    /// <summary>Tells whether the group's rows are exactly <paramref name="sequences"/>, in order.</summary>
    public bool HasExactly(IReadOnlyList<LeWmSpeechSequence> sequences)
    {
        if (sequences.Count != Members.Count)
        {
            return false;
        }

        for (int i = 0; i < sequences.Count; i++)
        {
            if (!ReferenceEquals(sequences[i], Members[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Builds a group of fresh sequences with an empty cache (stacked cross-attention state), ready for a prefill.
    /// </summary>
    public static SequenceGroup Fresh(JepaPredictor predictor, IReadOnlyList<LeWmSpeechSequence> members)
    {
        using var scope = NewDisposeScope();
        int layers = members[0].CrossKeys.Length;
        long maxText = members.Max(m => m.TextMask.shape[1]);
        var keys = new Tensor[layers];
        var values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            int layer = i;
            keys[i] = torch.cat([.. members.Select(m => PadDim(m.CrossKeys[layer], 2, maxText))], dim: 0).DetachFromDisposeScope();
            values[i] = torch.cat([.. members.Select(m => PadDim(m.CrossValues[layer], 2, maxText))], dim: 0).DetachFromDisposeScope();
        }

        Tensor mask = torch.cat([.. members.Select(m => PadDim(m.TextMask, 1, maxText))], dim: 0).DetachFromDisposeScope();
        PredictorCache cache = predictor.NewCache(keys, values, mask);
        return new SequenceGroup(members, keys, values, mask, cache);
    }

    /// <summary>
    /// Builds a group from sequences that already hold frames (each in some group), copying each one's cache row,
    /// right-padded with masked frames to the longest; the members then point at the new group.
    /// </summary>
    public static SequenceGroup Gather(JepaPredictor predictor, IReadOnlyList<LeWmSpeechSequence> members)
    {
        using var scope = NewDisposeScope();
        SequenceGroup group = Fresh(predictor, members);
        int layers = group._crossKeys.Length;
        long maxLength = members.Max(m => m.Group!.Cache.Length);
        var keys = new Tensor[layers];
        var values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            int layer = i;
            keys[i] = torch.cat([.. members.Select(m => PadDim(m.Row(c => c.SelfKeys(layer)!), 2, maxLength))], dim: 0);
            values[i] = torch.cat([.. members.Select(m => PadDim(m.Row(c => c.SelfValues(layer)!), 2, maxLength))], dim: 0);
        }

        Tensor valid = torch.cat([.. members.Select(m => PadDim(m.Row(c => c.SelfValid), 1, maxLength))], dim: 0);
        Tensor positions = torch.cat([.. members.Select(m => m.Row(c => c.Positions))], dim: 0);
        group.Cache.Replace(keys, values, valid, positions);
        return group;
    }

    /// <summary>A member left the group (moved or disposed); the last one frees the group.</summary>
    public void Release()
    {
        if (--_liveMembers == 0)
        {
            Dispose();
        }
    }

    /// <summary>Frees the cache and the stacked cross-attention state.</summary>
    public void Dispose()
    {
        Cache.Dispose();
        foreach (Tensor t in _crossKeys.Concat(_crossValues))
        {
            t.Dispose();
        }

        _textMask.Dispose();
    }

    /// <summary>Right-pads <paramref name="x"/> with zeros (false for bool) along <paramref name="dim"/> to <paramref name="size"/>.</summary>
    private static Tensor PadDim(Tensor x, int dim, long size)
    {
        long have = x.shape[dim];
        if (have == size)
        {
            return x.alias();
        }

        long[] shape = x.shape;
        shape[dim] = size - have;
        return torch.cat([x, torch.zeros(shape, dtype: x.dtype, device: x.device)], dim: dim);
    }
}
