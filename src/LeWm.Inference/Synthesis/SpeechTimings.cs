namespace LeWm.Inference;

/// <summary>Where a request's time went.</summary>
/// <param name="Queued">Time waiting for a batch slot.</param>
/// <param name="Model">Text encoding and autoregressive generation (the request's batch, wall clock).</param>
/// <param name="Decoder">Latents → mel.</param>
/// <param name="Vocoder">Mel → waveform.</param>
/// <param name="Total">From the call to the result.</param>
public sealed record SpeechTimings(TimeSpan Queued, TimeSpan Model, TimeSpan Decoder, TimeSpan Vocoder, TimeSpan Total)
{
    /// <summary>Gets audio seconds per second of <see cref="Total"/> for <paramref name="audio"/> (above 1: faster than real time).</summary>
    /// <param name="audio">The duration of the audio produced.</param>
    /// <returns>The real-time factor.</returns>
    public double RealTimeFactor(TimeSpan audio) => Total > TimeSpan.Zero ? audio / Total : double.PositiveInfinity;
}
