namespace LeWm.Audio.Dsp;

/// <summary>
/// The framing of a short-time Fourier transform. The defaults are Vocos <c>mel-24khz</c>'s: FFT 1024, Hann window
/// of 1024 samples, hop 256, centred frames.
/// </summary>
public sealed record StftOptions
{
    /// <summary>The FFT size in samples; a power of two. Default 1024.</summary>
    public int FftSize { get; init; } = 1024;

    /// <summary>The hop between frames in samples. Default 256.</summary>
    public int HopLength { get; init; } = 256;

    /// <summary>The periodic Hann window's length in samples, at most <see cref="FftSize"/> (centred in the frame). Default 1024.</summary>
    public int WindowLength { get; init; } = 1024;

    /// <summary>
    /// Whether the forward transform pads the signal by <c>FftSize / 2</c> on both sides with reflection, so frame
    /// t is centred on sample t·hop (PyTorch's <c>center=True</c>). Default true.
    /// </summary>
    public bool Center { get; init; } = true;

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (FftSize < 4 || (FftSize & (FftSize - 1)) != 0)
        {
            problems.Add($"FftSize must be a power of two of at least 4 (got {FftSize}).");
        }

        if (HopLength <= 0)
        {
            problems.Add($"HopLength must be positive (got {HopLength}).");
        }

        if (WindowLength <= 0 || WindowLength > FftSize)
        {
            problems.Add($"WindowLength must be in [1, FftSize = {FftSize}] (got {WindowLength}).");
        }

        if (HopLength > WindowLength)
        {
            problems.Add($"HopLength ({HopLength}) must not exceed WindowLength ({WindowLength}), or the inverse cannot overlap-add.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid STFT options: " + string.Join(" ", problems));
        }
    }
}
