namespace LeWm.Audio.Dsp;

/// <summary>How the inverse STFT trims the overlap-added signal.</summary>
public enum IstftPadding
{
    /// <summary>
    /// The inverse of a centred forward transform (<c>torch.istft(center=True)</c>): trims <c>FftSize / 2</c> on
    /// each side; the output has <c>hop × (frames − 1)</c> samples.
    /// </summary>
    Center,

    /// <summary>
    /// Vocos' <c>same</c> padding: overlap-add, then trim <c>(window − hop) / 2</c> on each side; the output has
    /// <c>hop × frames</c> samples.
    /// </summary>
    Same,
}
