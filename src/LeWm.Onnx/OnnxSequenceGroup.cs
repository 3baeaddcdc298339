using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeWm.Onnx;

/// <summary>
/// Sequences stepped together by <see cref="OnnxSpeechModel"/>: their text keys/values and text mask stacked once
/// (right-padded to the longest text) and one stacked self-attention cache whose rows are the members, in order.
/// </summary>
/// <remarks>
/// <para>The step graph's <c>present_k_i</c>/<c>present_v_i</c> outputs of one call are kept as they are and fed as
/// the next call's <c>past_k_i</c>/<c>past_v_i</c>: while the membership holds, nothing is stacked or copied on the
/// managed side. A row may hold masked frames (<c>past_valid</c> false): the padding of a gathered row, or a call in
/// which that row had nothing to feed (a shorter voice prompt than another fresh member's).</para>
/// <para>A group lives while any member points at it; the last member to leave (move or be disposed) frees every
/// <see cref="OrtValue"/> the group owns. Callers hold the model's lock.</para>
/// </remarks>
internal sealed class OnnxSequenceGroup : IDisposable
{
    private readonly OnnxSpeechModel _model;
    private readonly HashSet<OnnxSequenceGroup> _registry;
    private readonly OrtValue[] _cross;
    private readonly OrtValue _textMask;
    private readonly OrtValue[] _past;
    private readonly long[] _positions;
    private bool[] _valid;
    private int _liveMembers;
    private bool _disposed;

    private OnnxSequenceGroup(OnnxSpeechModel model, HashSet<OnnxSequenceGroup> registry, OnnxSpeechSequence[] members, OrtValue[] cross, OrtValue textMask, OrtValue[] past, bool[] valid, long[] positions, int length)
    {
        _model = model;
        _registry = registry;
        Members = members;
        _cross = cross;
        _textMask = textMask;
        _past = past;
        _valid = valid;
        _positions = positions;
        Length = length;
        _liveMembers = members.Length;
        registry.Add(this);
    }

    /// <summary>Gets the members, in row order.</summary>
    public OnnxSpeechSequence[] Members { get; }

    /// <summary>Gets the frames in the stacked cache (masked ones included): <c>past</c> of the next call.</summary>
    public int Length { get; private set; }

    /// <summary>Gets how many <see cref="OrtValue"/>s the group holds (constant for a given model: cross, mask, past).</summary>
    public int OwnedValues => _disposed ? 0 : _cross.Length + 1 + _past.Length;

    /// <summary>Tells whether the group's rows are exactly <paramref name="sequences"/>, in order.</summary>
    public bool HasExactly(IReadOnlyList<OnnxSpeechSequence> sequences)
    {
        if (sequences.Count != Members.Length)
        {
            return false;
        }

        for (int i = 0; i < Members.Length; i++)
        {
            if (!ReferenceEquals(sequences[i], Members[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Builds a group of fresh sequences with an empty cache; the members point at it.</summary>
    public static OnnxSequenceGroup Fresh(OnnxSpeechModel model, HashSet<OnnxSequenceGroup> registry, OnnxSpeechSequence[] members, int layers, int heads, int headDimension)
    {
        int b = members.Length;
        var past = new OrtValue[2 * layers];
        OrtValue[] cross = [];
        OrtValue? mask = null;
        try
        {
            (cross, mask) = StackCross(members, layers, heads, headDimension);
            for (int i = 0; i < past.Length; i++)
            {
                past[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [b, heads, 0, headDimension]);
            }
        }
        catch
        {
            DisposeAll(cross, mask, past);
            throw;
        }

        var group = new OnnxSequenceGroup(model, registry, members, cross, mask, past, [], new long[b], 0);
        group.Adopt();
        return group;
    }

    /// <summary>
    /// Builds a group of sequences that already hold frames (each in some group), copying each one's cache row,
    /// right-padded with masked frames to the longest; the members then point at the new group.
    /// </summary>
    public static OnnxSequenceGroup Gather(OnnxSpeechModel model, HashSet<OnnxSequenceGroup> registry, OnnxSpeechSequence[] members, int layers, int heads, int headDimension)
    {
        int b = members.Length, t = members.Max(m => m.Group!.Length);
        var valid = new bool[b * t];
        var positions = new long[b];
        var past = new OrtValue[2 * layers];
        OrtValue[] cross = [];
        OrtValue? mask = null;
        try
        {
            for (int i = 0; i < past.Length; i++)
            {
                var stacked = new float[b * heads * t * headDimension];
                for (int r = 0; r < b; r++)
                {
                    OnnxSequenceGroup from = members[r].Group!;
                    int q = members[r].Row, tq = from.Length;
                    ReadOnlySpan<float> source = from._past[i].GetTensorDataAsSpan<float>();
                    for (int h = 0; h < heads; h++)
                    {
                        source.Slice(((q * heads) + h) * tq * headDimension, tq * headDimension)
                            .CopyTo(stacked.AsSpan(((r * heads) + h) * t * headDimension));
                    }
                }

                past[i] = Wrap(stacked, [b, heads, t, headDimension]);
            }

            for (int r = 0; r < b; r++)
            {
                OnnxSequenceGroup from = members[r].Group!;
                int q = members[r].Row;
                from._valid.AsSpan(q * from.Length, from.Length).CopyTo(valid.AsSpan(r * t));
                positions[r] = from._positions[q];
            }

            (cross, mask) = StackCross(members, layers, heads, headDimension);
        }
        catch
        {
            DisposeAll(cross, mask, past);
            throw;
        }

        var group = new OnnxSequenceGroup(model, registry, members, cross, mask, past, valid, positions, t);
        group.Adopt();
        return group;
    }

    /// <summary>
    /// One call of the step graph for every row. <paramref name="feeds"/>: rows whose frame counts (null: all); the
    /// others get a masked frame and keep their position, and their <paramref name="next"/>/<paramref name="stop"/>
    /// rows are left as they are.
    /// </summary>
    public void Step(float[] latents, bool[] useStart, bool[]? feeds, Span<float> next, Span<float> stop)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int b = Members.Length, t = Length, layers = _past.Length / 2, l = latents.Length / b;
        var inputs = new OrtValue[5 + (4 * layers)];
        IDisposableReadOnlyCollection<OrtValue>? results = null;
        try
        {
            inputs[0] = Wrap(latents, [b, l]);
            inputs[1] = Wrap(useStart, [b]);
            inputs[2] = Wrap((long[])_positions.Clone(), [b]);
            inputs[3] = t == 0
                ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Bool, [b, 0])
                : Wrap(_valid, [b, t]);
            inputs[4] = _textMask;
            for (int i = 0; i < layers; i++)
            {
                inputs[5 + (4 * i)] = _past[2 * i];
                inputs[6 + (4 * i)] = _past[(2 * i) + 1];
                inputs[7 + (4 * i)] = _cross[2 * i];
                inputs[8 + (4 * i)] = _cross[(2 * i) + 1];
            }

            results = _model.RunStep(inputs);
            ReadOnlySpan<float> nextValues = results[0].GetTensorDataAsSpan<float>();
            ReadOnlySpan<float> stopValues = results[1].GetTensorDataAsSpan<float>();
            for (int r = 0; r < b; r++)
            {
                if (feeds is null || feeds[r])
                {
                    nextValues.Slice(r * l, l).CopyTo(next.Slice(r * l, l));
                    stop[r] = stopValues[r];
                }
            }

            // present_k_i / present_v_i become the next call's past: hand them over, free the old past.
            for (int i = 0; i < _past.Length; i++)
            {
                _past[i].Dispose();
                _past[i] = results[2 + i];
            }

            var valid = new bool[b * (t + 1)];
            for (int r = 0; r < b; r++)
            {
                _valid.AsSpan(r * t, t).CopyTo(valid.AsSpan(r * (t + 1)));
                bool fed = feeds is null || feeds[r];
                valid[(r * (t + 1)) + t] = fed;
                _positions[r] += fed ? 1 : 0;
            }

            _valid = valid;
            Length = t + 1;
            results[0].Dispose();
            results[1].Dispose();
            results = null;
        }
        finally
        {
            // Only this call's own inputs: the mask, past and cross values belong to the group.
            for (int i = 0; i < 4; i++)
            {
                inputs[i]?.Dispose();
            }

            if (results is not null)
            {
                // The run succeeded but reading failed: free whatever was not handed over.
                foreach (OrtValue value in results)
                {
                    if (Array.IndexOf(_past, value) < 0)
                    {
                        value.Dispose();
                    }
                }
            }
        }
    }

    /// <summary>A member left the group (moved or disposed); the last one frees the group.</summary>
    public void Release()
    {
        if (--_liveMembers == 0)
        {
            Dispose();
        }
    }

    /// <summary>Frees every <see cref="OrtValue"/> the group owns.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _registry.Remove(this);
        DisposeAll(_cross, _textMask, _past);
    }

    private static (OrtValue[] Cross, OrtValue Mask) StackCross(OnnxSpeechSequence[] members, int layers, int heads, int headDimension)
    {
        int b = members.Length, n = members.Max(m => m.TextLength);
        var cross = new OrtValue[2 * layers];
        try
        {
            for (int i = 0; i < cross.Length; i++)
            {
                var stacked = new float[b * heads * n * headDimension];
                for (int r = 0; r < b; r++)
                {
                    float[] source = (i % 2 == 0 ? members[r].CrossKeys : members[r].CrossValues)[i / 2];
                    int nr = members[r].TextLength;
                    for (int h = 0; h < heads; h++)
                    {
                        Array.Copy(source, h * nr * headDimension, stacked, ((r * heads) + h) * n * headDimension, nr * headDimension);
                    }
                }

                cross[i] = Wrap(stacked, [b, heads, n, headDimension]);
            }

            var mask = new bool[b * n];
            for (int r = 0; r < b; r++)
            {
                mask.AsSpan(r * n, members[r].TextLength).Fill(true);
            }

            return (cross, Wrap(mask, [b, n]));
        }
        catch
        {
            DisposeAll(cross, null, []);
            throw;
        }
    }

    /// <summary>Wraps a managed array (pinned until the value is disposed).</summary>
    private static OrtValue Wrap<T>(T[] data, long[] shape)
        where T : unmanaged =>
        OrtValue.CreateTensorValueFromMemory(data, shape);

    private static void DisposeAll(OrtValue?[] cross, OrtValue? mask, OrtValue?[] past)
    {
        foreach (OrtValue? value in cross)
        {
            value?.Dispose();
        }

        mask?.Dispose();
        foreach (OrtValue? value in past)
        {
            value?.Dispose();
        }
    }

    /// <summary>Points every member at this group (row = index), releasing the group each one leaves.</summary>
    private void Adopt()
    {
        for (int r = 0; r < Members.Length; r++)
        {
            OnnxSequenceGroup? old = Members[r].Group;
            Members[r].Group = this;
            Members[r].Row = r;
            old?.Release();
        }
    }
}
