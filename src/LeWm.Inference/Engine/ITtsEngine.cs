using LeWm.Audio;

namespace LeWm.Inference;

/// <summary>
/// Speaks text: the LeWM engine. Thread-safe; concurrent calls are gathered into batches. Build one with
/// <see cref="TtsEngine.CreateBuilder"/> or register it with <c>services.AddLeWmTts(...)</c>.
/// </summary>
public interface ITtsEngine : IAsyncDisposable, IDisposable
{
    /// <summary>Gets the acoustic model's description (bands, speakers, limits).</summary>
    SpeechModelInfo Model { get; }

    /// <summary>Gets the sample rate the engine produces before any <see cref="SynthesisOptions.OutputSampleRate"/> resampling.</summary>
    int SampleRate { get; }

    /// <summary>Speaks a text.</summary>
    /// <param name="text">The text; long text is split at sentence boundaries into several runs and joined.</param>
    /// <param name="options">Voice, sampling and output options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the request (checked between autoregressive steps).</param>
    /// <returns>The speech.</returns>
    /// <exception cref="ArgumentException">The text is empty, white space only, or over <see cref="TtsEngineOptions.MaxTextCharacters"/>; or an option is invalid.</exception>
    Task<SpeechResult> SynthesizeAsync(string text, SynthesisOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Speaks several texts at once (decoded together in batches).</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="options">Options applied to every text.</param>
    /// <param name="cancellationToken">Cancels every request.</param>
    /// <returns>One result per text, in order.</returns>
    Task<IReadOnlyList<SpeechResult>> SynthesizeBatchAsync(IReadOnlyList<string> texts, SynthesisOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Speaks a text as a stream of audio chunks, yielded while generation continues; the chunks concatenate to what
    /// <see cref="SynthesizeAsync"/> returns (exactly with Vocos, approximately with Griffin-Lim).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="options">Options; <see cref="SynthesisOptions.TrimSilence"/> and <see cref="SynthesisOptions.NormalizeLoudnessDbfs"/> need the whole utterance and are refused here.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>The chunks.</returns>
    IAsyncEnumerable<AudioChunk> StreamAsync(string text, SynthesisOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Encodes a reference clip into a reusable voice prompt.</summary>
    /// <param name="clip">At least 0.5 s of non-silent audio, any sample rate (resampled to the model's).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="ArgumentException">The clip is shorter than 0.5 s, silent, or longer than the model takes.</exception>
    Task<VoicePrompt> CreateVoicePromptAsync(AudioClip clip, CancellationToken cancellationToken = default);

    /// <summary>Diagnostics: audio → encoder mean → mel decoder → vocoder (the autoencoder's quality).</summary>
    /// <param name="clip">The audio, any sample rate.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The reconstructed speech.</returns>
    Task<SpeechResult> ReconstructAsync(AudioClip clip, CancellationToken cancellationToken = default);

    /// <summary>Diagnostics: teacher-forced prediction (the true latents into the predictor) → mel decoder → vocoder.</summary>
    /// <param name="clip">The audio, any sample rate.</param>
    /// <param name="transcript">What the audio says.</param>
    /// <param name="speaker">The speaker id for a multi-speaker model; null uses <see cref="TtsEngineOptions.DefaultSpeaker"/>.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The predicted speech.</returns>
    Task<SpeechResult> PredictAsync(AudioClip clip, string transcript, int? speaker = null, CancellationToken cancellationToken = default);
}
