using System.Diagnostics;
using System.Threading.Channels;

namespace LeWm.Inference;

/// <summary>One autoregressive run waiting for, or in, a batch.</summary>
internal sealed class GenerationRequest
{
    public GenerationRequest(
        SpeechText text, LatentFrames? prompt, int cap, bool exactLength, double stopThreshold, double temperature, int seed, CancellationToken cancellationToken)
    {
        StopLogit = (float)Math.Log(stopThreshold / (1 - stopThreshold));
        Text = text;
        Prompt = prompt;
        Cap = cap;
        ExactLength = exactLength;
        Temperature = temperature;
        Noise = temperature > 0 ? new Random(seed) : null;
        CancellationToken = cancellationToken;
    }

    public SpeechText Text { get; }

    public LatentFrames? Prompt { get; }

    /// <summary>Gets the most frames to generate (or, with <see cref="ExactLength"/>, exactly this many).</summary>
    public int Cap { get; }

    public bool ExactLength { get; }

    /// <summary>Gets the stop logit above which the run ends: the logit of the request's stop threshold (0 for 0.5).</summary>
    public float StopLogit { get; }

    public double Temperature { get; }

    public Random? Noise { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Gets each generated latent as it is produced (completed when the run ends, faulted when it fails).</summary>
    public Channel<float[]> Latents { get; } = Channel.CreateUnbounded<float[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>Gets the outcome: whether the stop head ended the run.</summary>
    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

    public TimeSpan Queued { get; set; }

    public TimeSpan Generation { get; set; }

    public void Fail(Exception error)
    {
        Latents.Writer.TryComplete(error);
        Completion.TrySetException(error);
    }

    public void Cancel()
    {
        var error = new OperationCanceledException(CancellationToken);
        Latents.Writer.TryComplete(error);
        Completion.TrySetCanceled(CancellationToken);
    }
}
