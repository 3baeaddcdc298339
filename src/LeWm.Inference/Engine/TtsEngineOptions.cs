namespace LeWm.Inference;

/// <summary>Engine-wide settings: the default speaker, batching, streaming windows and limits.</summary>
public sealed record TtsEngineOptions
{
    /// <summary>
    /// Gets the speaker used when a request leaves <see cref="SynthesisOptions.Speaker"/> (or <c>PredictAsync</c>'s
    /// speaker) null; null (the default) means speaker 0 of a multi-speaker model and no speaker for a single-speaker
    /// one.
    /// </summary>
    /// <remarks>
    /// Must be zero or more; <see cref="TtsEngineBuilder.Build"/> also checks it against the model's speakers.
    /// <c>UseDefaultVoice()</c> (package LeWm.Voices.Hindi) sets it to 0.
    /// </remarks>
    public int? DefaultSpeaker { get; init; }

    /// <summary>Gets the most sequences decoded together (default 16).</summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>Gets how long the first request of a batch waits for others to join (default 5 ms; zero batches only what is already queued).</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Gets the longest text one call accepts, in characters (default 20 000); longer text is an error.</summary>
    public int MaxTextCharacters { get; init; } = 20_000;

    /// <summary>Gets the latent frames per streamed chunk (default 8: 32 mel frames, about 0.34 s).</summary>
    public int StreamChunkLatents { get; init; } = 8;

    /// <summary>Gets the latent frames of context on each side of a streamed mel-decoder window (default 8, beyond its receptive field).</summary>
    public int StreamDecoderContextLatents { get; init; } = 8;

    /// <summary>Gets the mel frames of context on each side of a streamed vocoder window (default 32, beyond Vocos' receptive field).</summary>
    public int StreamVocoderContextFrames { get; init; } = 32;

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (DefaultSpeaker is < 0)
        {
            problems.Add($"DefaultSpeaker must be zero or more (got {DefaultSpeaker}).");
        }

        if (MaxBatchSize is < 1 or > 1024)
        {
            problems.Add($"MaxBatchSize must be in [1, 1024] (got {MaxBatchSize}).");
        }

        if (MaxBatchWait < TimeSpan.Zero || MaxBatchWait > TimeSpan.FromSeconds(10))
        {
            problems.Add($"MaxBatchWait must be between 0 and 10 s (got {MaxBatchWait}).");
        }

        if (MaxTextCharacters < 1)
        {
            problems.Add($"MaxTextCharacters must be positive (got {MaxTextCharacters}).");
        }

        if (StreamChunkLatents < 1 || StreamDecoderContextLatents < 0 || StreamVocoderContextFrames < 0)
        {
            problems.Add("StreamChunkLatents must be positive and the stream context sizes zero or more.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid engine options: " + string.Join(" ", problems));
        }
    }
}
