using LeWm.Inference;
using LeWm.Model.Backends.Cpu;
using LeWm.Model.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Backends;

/// <summary>
/// The TorchSharp backend's per-request state: the text's cross-attention keys/values (computed once), the voice
/// prompt, and a row of the <see cref="SequenceGroup"/> that holds its self-attention cache.
/// </summary>
internal sealed class LeWmSpeechSequence : ISpeechSequence
{
    private bool _disposed;

    public LeWmSpeechSequence(
        LeWmSpeechModel owner, Tensor[] crossKeys, Tensor[] crossValues, Tensor textMask, Tensor? prompt, LatentFrames? promptLatents, CpuPredictorState? cpuState)
    {
        Owner = owner;
        CrossKeys = crossKeys;
        CrossValues = crossValues;
        TextMask = textMask;
        Prompt = prompt;
        PromptLatents = promptLatents;
        PromptFrames = promptLatents?.Frames ?? 0;
        CpuState = cpuState;
    }

    /// <summary>Gets the model that created the sequence.</summary>
    public LeWmSpeechModel Owner { get; }

    /// <summary>Gets the per-layer cross-attention keys <c>[1, H, N, dh]</c> (owned).</summary>
    public Tensor[] CrossKeys { get; }

    /// <summary>Gets the per-layer cross-attention values <c>[1, H, N, dh]</c> (owned).</summary>
    public Tensor[] CrossValues { get; }

    /// <summary>Gets the valid text positions <c>[1, N]</c> (owned).</summary>
    public Tensor TextMask { get; }

    /// <summary>Gets the voice prompt's latents <c>[1, P, L]</c> (owned), or null.</summary>
    public Tensor? Prompt { get; }

    /// <summary>Gets the voice prompt's latents as given, or null.</summary>
    public LatentFrames? PromptLatents { get; }

    /// <summary>Gets the fused CPU step's state, or null when the model steps with TorchSharp.</summary>
    public CpuPredictorState? CpuState { get; }

    /// <inheritdoc />
    public int PromptFrames { get; }

    /// <inheritdoc />
    public int FedFrames { get; set; }

    /// <summary>Gets the group holding the cache, or null before the first step.</summary>
    public SequenceGroup? Group { get; private set; }

    /// <summary>Gets this sequence's row in <see cref="Group"/>.</summary>
    public int RowIndex { get; private set; }

    /// <summary>Gets whether the sequence was disposed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Points the sequence at a row of a new group, releasing the old one.</summary>
    public void MoveTo(SequenceGroup group, int row)
    {
        SequenceGroup? old = Group;
        Group = group;
        RowIndex = row;
        old?.Release();
    }

    /// <summary>Selects this sequence's row <c>[1, …]</c> of a cache tensor, in the caller's scope.</summary>
    public Tensor Row(Func<PredictorCache, Tensor> select) => select(Group!.Cache).narrow(0, RowIndex, 1);

    /// <summary>Frees the text state and releases the cache row.</summary>
    public void Dispose()
    {
        lock (Owner.Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (Tensor t in CrossKeys.Concat(CrossValues))
            {
                t.Dispose();
            }

            TextMask.Dispose();
            Prompt?.Dispose();
            Group?.Release();
            Group = null;
        }
    }
}
