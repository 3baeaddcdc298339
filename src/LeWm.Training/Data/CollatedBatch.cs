using LeWm.Model.Config;
using LeWm.Model.Losses;
using static TorchSharp.torch;

namespace LeWm.Training.Data;

/// <summary>A padded batch in managed memory, ready to become tensors: what the prefetcher prepares off the training thread.</summary>
/// <remarks>Immutable after <see cref="Collate"/>; owns its arrays.</remarks>
public sealed class CollatedBatch
{
    private readonly long[] _textIds;
    private readonly long[] _textLengths;
    private readonly float[] _mel;
    private readonly long[] _melLengths;
    private readonly long[]? _speakers;

    private CollatedBatch(long[] textIds, long[] textLengths, float[] mel, long[] melLengths, long[]? speakers, int nMels, int maxTextIds, int maxFrames)
    {
        _textIds = textIds;
        _textLengths = textLengths;
        _mel = mel;
        _melLengths = melLengths;
        _speakers = speakers;
        NMels = nMels;
        MaxTextIds = maxTextIds;
        MaxFrames = maxFrames;
    }

    /// <summary>Gets the number of items B.</summary>
    public int Count => _textLengths.Length;

    /// <summary>Gets the number of mel bands.</summary>
    public int NMels { get; }

    /// <summary>Gets the padded text length N.</summary>
    public int MaxTextIds { get; }

    /// <summary>Gets the padded mel length T.</summary>
    public int MaxFrames { get; }

    /// <summary>Gets the padded frames B·T (the frame budget's measure).</summary>
    public long PaddedFrames => (long)Count * MaxFrames;

    /// <summary>Gets the sum of the items' valid mel frames.</summary>
    public long ValidFrames => _melLengths.Sum();

    /// <summary>Pads the chosen items into one batch.</summary>
    /// <param name="items">The items to draw from.</param>
    /// <param name="indices">The indices of the batch's items in <paramref name="items"/>.</param>
    /// <param name="config">The configuration: <c>pad_id</c> and <c>n_mels</c>.</param>
    /// <param name="withSpeakers">Whether to carry speaker ids (the model has a speaker table).</param>
    /// <returns>The batch: text right-padded with <c>pad_id</c>, mels right-padded with zeros.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is empty.</exception>
    public static CollatedBatch Collate(IReadOnlyList<DatasetItem> items, IReadOnlyList<int> indices, LeWmConfig config, bool withSpeakers)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(config);
        if (indices.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one item.", nameof(indices));
        }

        int b = indices.Count;
        int n = indices.Max(i => items[i].TextIds.Length);
        int t = indices.Max(i => items[i].Frames);
        int m = config.NMels;
        var textIds = new long[b * n];
        Array.Fill(textIds, config.PadId);
        var textLengths = new long[b];
        var mel = new float[checked(b * m * t)];
        var melLengths = new long[b];
        long[]? speakers = withSpeakers ? new long[b] : null;
        for (int row = 0; row < b; row++)
        {
            DatasetItem item = items[indices[row]];
            item.TextIds.Span.CopyTo(textIds.AsSpan(row * n, n));
            textLengths[row] = item.TextIds.Length;
            ReadOnlySpan<float> source = item.Mel.Span;
            for (int band = 0; band < m; band++)
            {
                source.Slice(band * item.Frames, item.Frames).CopyTo(mel.AsSpan(((row * m) + band) * t, item.Frames));
            }

            melLengths[row] = item.Frames;
            if (speakers is not null)
            {
                speakers[row] = item.SpeakerId;
            }
        }

        return new CollatedBatch(textIds, textLengths, mel, melLengths, speakers, m, n, t);
    }

    /// <summary>Copies the batch into tensors on <paramref name="device"/>, in the caller's dispose scope.</summary>
    /// <param name="device">The device to create the tensors on.</param>
    /// <returns>The model batch: text <c>[B, N]</c> int64, mel <c>[B, n_mels, T]</c> float32, lengths <c>[B]</c> int64.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
    public LeWmBatch ToBatch(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        int b = Count;
        return new LeWmBatch(
            tensor(_textIds, [b, MaxTextIds]).to(device),
            tensor(_textLengths).to(device),
            tensor(_mel, [b, NMels, MaxFrames]).to(device),
            tensor(_melLengths).to(device),
            _speakers is null ? null : tensor(_speakers).to(device));
    }
}
