using LeWm.Voices.Hindi;

namespace LeWm.Inference;

/// <summary>Adds the shipped Hindi voice (package LeWm.Voices.Hindi) to <see cref="TtsEngineBuilder"/>.</summary>
public static class HindiVoiceBuilderExtensions
{
    /// <summary>
    /// Uses the Hindi voice this package ships: its ONNX export (<see cref="HindiVoice.DirectoryPath"/>) on ONNX Runtime
    /// (no libtorch; the package brings ONNX Runtime's CPU runtime), on the builder's device,
    /// speaker <see cref="HindiVoice.DefaultSpeaker"/> (0) when a request names none, and, unless a vocoder is chosen,
    /// the built-in Griffin-Lim vocoder.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="FileNotFoundException">The voice's files are missing next to the application; the message says what to install or pass.</exception>
    /// <remarks>
    /// <para>
    /// The vocoder is left as it is: Griffin-Lim is the builder's default, and <c>UseVocos(dir)</c> (package
    /// LeWm.Vocos; the weights are yours to supply) before or after this call selects Vocos instead.
    /// </para>
    /// <para>
    /// The default speaker is set through <see cref="TtsEngineBuilder.WithDefaultSpeaker"/>; a later
    /// <see cref="TtsEngineBuilder.WithOptions"/> replaces it, so set <see cref="TtsEngineOptions.DefaultSpeaker"/> there
    /// too, or call <c>UseDefaultVoice()</c> after it. <see cref="SynthesisOptions.Speaker"/> picks another speaker per
    /// request (<see cref="HindiVoice.Speakers"/> lists them).
    /// </para>
    /// </remarks>
    public static TtsEngineBuilder UseDefaultVoice(this TtsEngineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseOnnx(HindiVoice.DirectoryPath).WithDefaultSpeaker(HindiVoice.DefaultSpeaker);
    }
}
