namespace LeWm.Audio.Evaluation;

/// <summary>How <see cref="MelCepstralDistortion"/> compares two log-mel spectrograms.</summary>
public sealed record MelCepstralDistortionOptions
{
    /// <summary>Gets the number of cepstral coefficients compared, c<sub>1</sub> … c<sub>K</sub> (c<sub>0</sub>, the overall level, is dropped); default 13.</summary>
    public int Coefficients { get; init; } = 13;

    /// <summary>
    /// Gets how far below the clip's loudest frame (in dB of frame energy, see <see cref="MelCepstralDistortion.FrameLevels"/>)
    /// leading and trailing frames may fall before they are trimmed; default 40 dB. <see cref="double.PositiveInfinity"/> keeps every frame.
    /// </summary>
    public double TrimDecibels { get; init; } = 40;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Coefficients < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Coefficients), Coefficients, "At least one cepstral coefficient must be compared.");
        }

        if (double.IsNaN(TrimDecibels) || TrimDecibels < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TrimDecibels), TrimDecibels, "The trim threshold must be a non-negative number of decibels.");
        }
    }
}
