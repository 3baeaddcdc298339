using LeWm.Inference;

namespace LeWm.Onnx;

/// <summary>
/// One request's state on <see cref="OnnxSpeechModel"/>: the text's cross-attention keys and values (from the text
/// graph, computed once), the voice prompt, and the row it holds in an <see cref="OnnxSequenceGroup"/> once it has
/// been stepped (the group keeps the stacked self-attention cache).
/// </summary>
internal sealed class OnnxSpeechSequence : ISpeechSequence
{
    public OnnxSpeechSequence(OnnxSpeechModel owner, float[][] crossKeys, float[][] crossValues, int textLength, LatentFrames? prompt)
    {
        Owner = owner;
        CrossKeys = crossKeys;
        CrossValues = crossValues;
        TextLength = textLength;
        Prompt = prompt;
    }

    public OnnxSpeechModel Owner { get; }

    /// <summary>Per layer <c>[H, N, dh]</c>.</summary>
    public float[][] CrossKeys { get; }

    /// <summary>Per layer <c>[H, N, dh]</c>.</summary>
    public float[][] CrossValues { get; }

    public int TextLength { get; }

    public LatentFrames? Prompt { get; }

    /// <summary>The group holding this sequence's cache row; null before its first step.</summary>
    public OnnxSequenceGroup? Group { get; set; }

    /// <summary>This sequence's row in <see cref="Group"/>.</summary>
    public int Row { get; set; }

    public int FedFrames { get; set; }

    public int PromptFrames => Prompt?.Frames ?? 0;

    public bool IsDisposed { get; private set; }

    /// <summary>Leaves the group (the last member to leave frees it).</summary>
    public void Dispose()
    {
        lock (Owner.Gate)
        {
            if (IsDisposed)
            {
                return;
            }

            IsDisposed = true;
            OnnxSequenceGroup? group = Group;
            Group = null;
            group?.Release();
        }
    }
}
