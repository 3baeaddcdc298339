namespace LeWm.Model.Backends.Cpu;

/// <summary>
/// One sequence's incremental-decoding state for <see cref="CpuPredictorStep"/>: per layer, the text's cross-attention
/// keys and values and the self-attention keys and values of every frame fed so far, all stored transposed per head
/// (<c>[H, dh, capacity]</c>) so attention reads whole rows; the self-attention store grows by doubling, so a step
/// writes one column instead of copying the cache.
/// </summary>
internal sealed class CpuPredictorState
{
    private const int InitialCapacity = 64;

    /// <summary>The most frames allocated up front (about 11 s at downsample 4); longer sequences grow by doubling.</summary>
    private const int MaxInitialCapacity = 256;

    private readonly int _heads;
    private readonly int _headDimension;
    private float[][] _selfKeys;
    private float[][] _selfValues;

    /// <summary>Creates the state from the text's cross-attention keys and values.</summary>
    /// <param name="crossKeys">Per layer, <c>[H, N, dh]</c> row-major (the predictor's layout).</param>
    /// <param name="crossValues">Per layer, <c>[H, N, dh]</c> row-major.</param>
    /// <param name="heads">H.</param>
    /// <param name="textLength">N.</param>
    /// <param name="capacityHint">Frames expected; the store grows past it when needed.</param>
    public CpuPredictorState(IReadOnlyList<float[]> crossKeys, IReadOnlyList<float[]> crossValues, int heads, int textLength, int capacityHint)
    {
        int layers = crossKeys.Count;
        _heads = heads;
        _headDimension = crossKeys[0].Length / (heads * textLength);
        TextLength = textLength;
        CrossKeys = new float[layers][];
        CrossValues = new float[layers][];
        for (int i = 0; i < layers; i++)
        {
            CrossKeys[i] = TransposeHeads(crossKeys[i], textLength);
            CrossValues[i] = TransposeHeads(crossValues[i], textLength);
        }

        Capacity = Math.Clamp(capacityHint, InitialCapacity, MaxInitialCapacity);
        _selfKeys = NewStore(layers);
        _selfValues = NewStore(layers);
    }

    /// <summary>Gets the number of text positions N.</summary>
    public int TextLength { get; }

    /// <summary>Gets the per-layer text keys, <c>[H, dh, N]</c>.</summary>
    public float[][] CrossKeys { get; }

    /// <summary>Gets the per-layer text values, <c>[H, dh, N]</c>.</summary>
    public float[][] CrossValues { get; }

    /// <summary>Gets the frames the self-attention store holds room for.</summary>
    public int Capacity { get; private set; }

    /// <summary>Gets the number of frames fed so far (the next frame's position).</summary>
    public int Length { get; private set; }

    /// <summary>Gets layer <paramref name="layer"/>'s self-attention keys, <c>[H, dh, Capacity]</c>.</summary>
    public float[] SelfKeys(int layer) => _selfKeys[layer];

    /// <summary>Gets layer <paramref name="layer"/>'s self-attention values, <c>[H, dh, Capacity]</c>.</summary>
    public float[] SelfValues(int layer) => _selfValues[layer];

    /// <summary>Makes room for one more frame (doubling the store when full).</summary>
    public void EnsureRoomForNext()
    {
        if (Length < Capacity)
        {
            return;
        }

        int grown = Capacity * 2;
        for (int i = 0; i < _selfKeys.Length; i++)
        {
            _selfKeys[i] = Regrow(_selfKeys[i], grown);
            _selfValues[i] = Regrow(_selfValues[i], grown);
        }

        Capacity = grown;
    }

    /// <summary>Writes frame <see cref="Length"/>'s key and value (<c>[H·dh]</c> each, heads contiguous) into a layer's store.</summary>
    public void Write(int layer, ReadOnlySpan<float> key, ReadOnlySpan<float> value)
    {
        float[] keys = _selfKeys[layer], values = _selfValues[layer];
        int rows = _heads * _headDimension;
        for (int r = 0; r < rows; r++)
        {
            keys[(r * Capacity) + Length] = key[r];
            values[(r * Capacity) + Length] = value[r];
        }
    }

    /// <summary>Marks the frame written to every layer as fed.</summary>
    public void Commit() => Length++;

    private float[][] NewStore(int layers)
    {
        var store = new float[layers][];
        for (int i = 0; i < layers; i++)
        {
            store[i] = new float[_heads * _headDimension * Capacity];
        }

        return store;
    }

    private float[] Regrow(float[] store, int capacity)
    {
        int rows = _heads * _headDimension;
        var grown = new float[rows * capacity];
        for (int r = 0; r < rows; r++)
        {
            store.AsSpan(r * Capacity, Length).CopyTo(grown.AsSpan(r * capacity));
        }

        return grown;
    }

    /// <summary><c>[H, N, dh]</c> → <c>[H, dh, N]</c>.</summary>
    private float[] TransposeHeads(float[] values, int n)
    {
        int dh = _headDimension;
        var result = new float[values.Length];
        for (int h = 0; h < _heads; h++)
        {
            int head = h * n * dh;
            for (int t = 0; t < n; t++)
            {
                for (int j = 0; j < dh; j++)
                {
                    result[head + (j * n) + t] = values[head + (t * dh) + j];
                }
            }
        }

        return result;
    }
}
