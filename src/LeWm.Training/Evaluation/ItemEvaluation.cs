namespace LeWm.Training.Evaluation;

/// <summary>The scores of one held-out item.</summary>
/// <param name="Id">The manifest id.</param>
/// <param name="Speaker">The speaker's name in the manifest.</param>
/// <param name="SpeakerId">The speaker id the model was asked for; null for a single-speaker model.</param>
/// <param name="Text">The transcript that was synthesised.</param>
/// <param name="ReferenceSeconds">The reference recording's untrimmed length in seconds.</param>
/// <param name="Synthesized">Autoregressive synthesis of the text (the model's real use).</param>
/// <param name="Predicted">Teacher-forced prediction: the reference's true latents into the predictor, then the decoder.</param>
/// <param name="Reconstructed">The autoencoder alone: the reference through the audio encoder and the mel decoder.</param>
/// <param name="GriffinLim">The reference's own mel through Griffin-Lim: the floor the default vocoder allows.</param>
/// <param name="SynthesisTime">Wall-clock time of the synthesis request, text to waveform.</param>
public sealed record ItemEvaluation(
    string Id,
    string Speaker,
    int? SpeakerId,
    string Text,
    double ReferenceSeconds,
    DistortionScore Synthesized,
    DistortionScore Predicted,
    DistortionScore Reconstructed,
    DistortionScore GriffinLim,
    TimeSpan SynthesisTime)
{
    /// <summary>Gets synthesised audio seconds per second of synthesis time (above 1: faster than real time).</summary>
    public double SynthesisRealTimeFactor => SynthesisTime > TimeSpan.Zero ? Synthesized.AudioSeconds / SynthesisTime.TotalSeconds : double.PositiveInfinity;
}
