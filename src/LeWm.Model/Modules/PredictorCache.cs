using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// The incremental-decoding state of a batch for <see cref="JepaPredictor"/>: per-layer self-attention keys and
/// values of the frames fed so far, which of them are valid, and each item's next position.
/// </summary>
/// <remarks>
/// Create it with <see cref="JepaPredictor.NewCache"/>. The cross-attention keys and values and the text mask are
/// borrowed: the caller keeps them alive and disposes them after the cache. Everything else is owned by the cache,
/// outside any dispose scope, and freed by <see cref="Dispose"/>. Not thread-safe.
/// </remarks>
public sealed class PredictorCache : IDisposable
{
    private Tensor[]? _selfKeys;
    private Tensor[]? _selfValues;
    private Tensor _selfValid;
    private Tensor _positions;
    private bool _disposed;

    internal PredictorCache(IReadOnlyList<Tensor> crossKeys, IReadOnlyList<Tensor> crossValues, Tensor textMask)
    {
        CrossKeys = crossKeys;
        CrossValues = crossValues;
        TextMask = textMask;
        long batch = textMask.shape[0];
        _selfValid = zeros(batch, 0, dtype: ScalarType.Bool, device: textMask.device).DetachFromDisposeScope();
        _positions = zeros(batch, dtype: ScalarType.Int64, device: textMask.device).DetachFromDisposeScope();
    }

    /// <summary>Gets the per-layer cross-attention keys <c>[B, H, N, dh]</c> (borrowed).</summary>
    public IReadOnlyList<Tensor> CrossKeys { get; }

    /// <summary>Gets the per-layer cross-attention values <c>[B, H, N, dh]</c> (borrowed).</summary>
    public IReadOnlyList<Tensor> CrossValues { get; }

    /// <summary>Gets the valid text positions <c>[B, N]</c> (bool, borrowed).</summary>
    public Tensor TextMask { get; }

    /// <summary>Gets the number of frames held (including masked prompt padding).</summary>
    public long Length => _selfValid.shape[1];

    /// <summary>Gets each item's next position <c>[B]</c> (int64); owned by the cache.</summary>
    public Tensor Positions => _positions;

    /// <summary>Gets which held frames are valid <c>[B, Length]</c> (bool); owned by the cache.</summary>
    public Tensor SelfValid => _selfValid;

    internal Tensor? SelfKeys(int layer) => _selfKeys?[layer];

    internal Tensor? SelfValues(int layer) => _selfValues?[layer];

    /// <summary>Takes ownership of the new state (detaching it from the current scope) and frees the old.</summary>
    internal void Replace(Tensor[] keys, Tensor[] values, Tensor selfValid, Tensor positions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        DisposeState();
        foreach (Tensor t in keys.Concat(values))
        {
            t.DetachFromDisposeScope();
        }

        _selfKeys = keys;
        _selfValues = values;
        _selfValid = selfValid.DetachFromDisposeScope();
        _positions = positions.DetachFromDisposeScope();
    }

    /// <summary>Frees the tensors the cache owns (not the borrowed cross-attention state).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeState();
    }

    private void DisposeState()
    {
        foreach (Tensor t in (_selfKeys ?? []).Concat(_selfValues ?? []))
        {
            t.Dispose();
        }

        _selfValid.Dispose();
        _positions.Dispose();
    }
}
