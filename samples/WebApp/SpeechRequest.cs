using LeWm.Inference;

namespace LeWm.Samples.WebApp;

/// <summary>A validated request to speak: the text, the speaker id (null for the voice's default) and the speed.</summary>
/// <param name="Text">The text, non-empty and within the length limit.</param>
/// <param name="Speaker">The speaker id, one of the voice's; null for the engine's default speaker.</param>
/// <param name="Speed">The speaking rate (the engine's <see cref="SynthesisOptions.Speed"/>).</param>
internal sealed record SpeechRequest(string Text, int? Speaker, double Speed)
{
    /// <summary>Gets the engine options for this request.</summary>
    /// <returns>Options with the speaker and speed set.</returns>
    public SynthesisOptions ToOptions() => new() { Speaker = Speaker, Speed = Speed };
}
