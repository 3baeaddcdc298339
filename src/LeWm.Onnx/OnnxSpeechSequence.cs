using LeWm.Inference;

namespace LeWm.Onnx;

/// <summary>
/// One request's state on <see cref="OnnxSpeechModel"/>: the text's cross-attention keys and values (from the text
/// graph, computed once), the voice prompt, and the self-attention cache of the frames fed so far, as managed arrays
/// (per layer <c>[H, capacity, dh]</c>, the first <see cref="CacheLength"/> frames in use).
/// </summary>
internal sealed class OnnxSpeechSequence : ISpeechSequence
{
    private readonly int _heads;
    private readonly int _headDimension;
    private float[][] _keys;
    private float[][] _values;
    private int _capacity;

    public OnnxSpeechSequence(OnnxSpeechModel owner, float[][] crossKeys, float[][] crossValues, int textLength, LatentFrames? prompt, int heads, int headDimension, int initialCapacity)
    {
        Owner = owner;
        CrossKeys = crossKeys;
        CrossValues = crossValues;
        TextLength = textLength;
        Prompt = prompt;
        _heads = heads;
        _headDimension = headDimension;
        _capacity = Math.Max(1, initialCapacity);
        _keys = [.. crossKeys.Select(_ => new float[heads * _capacity * headDimension])];
        _values = [.. crossKeys.Select(_ => new float[heads * _capacity * headDimension])];
    }

    public OnnxSpeechModel Owner { get; }

    /// <summary>Per layer <c>[H, N, dh]</c>.</summary>
    public float[][] CrossKeys { get; }

    /// <summary>Per layer <c>[H, N, dh]</c>.</summary>
    public float[][] CrossValues { get; }

    public int TextLength { get; }

    public LatentFrames? Prompt { get; }

    /// <summary>Frames in the self-attention cache.</summary>
    public int CacheLength { get; private set; }

    public int FedFrames { get; set; }

    public int PromptFrames => Prompt?.Frames ?? 0;

    public bool IsDisposed { get; private set; }

    /// <summary>Copies this sequence's cached keys (or values) of <paramref name="layer"/> into row <paramref name="row"/> of a <c>[B, H, past, dh]</c> buffer.</summary>
    public void CopyPast(int layer, bool keys, float[] destination, int row, int past)
    {
        float[] source = (keys ? _keys : _values)[layer];
        int block = CacheLength * _headDimension;
        for (int h = 0; h < _heads; h++)
        {
            Array.Copy(source, h * _capacity * _headDimension, destination, ((row * _heads) + h) * past * _headDimension, block);
        }
    }

    /// <summary>Makes room for one more frame (call before <see cref="AppendLayer"/> and <see cref="CommitFrame"/>).</summary>
    public void ReserveFrame()
    {
        if (CacheLength == _capacity)
        {
            Grow();
        }
    }

    /// <summary>Writes the new frame of one layer: the last frame of <c>present</c> <c>[B, H, past + 1, dh]</c>, row <paramref name="row"/>.</summary>
    public void AppendLayer(int layer, ReadOnlySpan<float> presentKeys, ReadOnlySpan<float> presentValues, int row, int past)
    {
        for (int h = 0; h < _heads; h++)
        {
            int from = ((((row * _heads) + h) * (past + 1)) + past) * _headDimension;
            int to = ((h * _capacity) + CacheLength) * _headDimension;
            presentKeys.Slice(from, _headDimension).CopyTo(_keys[layer].AsSpan(to, _headDimension));
            presentValues.Slice(from, _headDimension).CopyTo(_values[layer].AsSpan(to, _headDimension));
        }
    }

    /// <summary>Counts the frame written by <see cref="AppendLayer"/> for every layer.</summary>
    public void CommitFrame() => CacheLength++;

    public void Dispose() => IsDisposed = true;

    private void Grow()
    {
        int capacity = _capacity * 2;
        for (int layer = 0; layer < _keys.Length; layer++)
        {
            _keys[layer] = Regrow(_keys[layer], capacity);
            _values[layer] = Regrow(_values[layer], capacity);
        }

        _capacity = capacity;
    }

    private float[] Regrow(float[] old, int capacity)
    {
        var grown = new float[_heads * capacity * _headDimension];
        for (int h = 0; h < _heads; h++)
        {
            Array.Copy(old, h * _capacity * _headDimension, grown, h * capacity * _headDimension, CacheLength * _headDimension);
        }

        return grown;
    }
}
