namespace LeWm.Inference;

/// <summary>
/// A backend's opaque per-request state for autoregressive generation: the text's cross-attention keys and values
/// (computed once) and the self-attention cache of the frames fed so far.
/// </summary>
/// <remarks>
/// Created by <see cref="ISpeechModel.StartSequence"/> and owned by the caller, who disposes it when the request
/// ends; the backend frees its memory then. A sequence can leave a batch (stop being passed to
/// <see cref="ISpeechModel.Advance"/>) at any time.
/// </remarks>
public interface ISpeechSequence : IDisposable
{
    /// <summary>Gets the number of latent frames fed so far (voice-prompt frames included).</summary>
    int FedFrames { get; }

    /// <summary>Gets the number of voice-prompt latent frames this sequence started with.</summary>
    int PromptFrames { get; }
}
