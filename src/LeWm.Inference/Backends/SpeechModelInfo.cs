namespace LeWm.Inference;

/// <summary>What a loaded acoustic model (<see cref="ISpeechModel"/>) is: its shapes, speakers and limits.</summary>
/// <param name="MelBands">Mel bands the decoder produces (100 for the Vocos front end).</param>
/// <param name="LatentSize">The latent size L.</param>
/// <param name="Downsample">Mel frames per latent frame.</param>
/// <param name="SampleRate">The sample rate of the mel front end (24 000 Hz).</param>
/// <param name="HopLength">Samples per mel frame (256).</param>
/// <param name="MaxTextBytes">The most UTF-8 bytes one run of the text encoder takes.</param>
/// <param name="MaxMelFrames">The most mel frames the audio encoder takes (and one run generates).</param>
/// <param name="LatentsPerTextByte">The length cap's slope: latent frames allowed per text byte.</param>
/// <param name="MinLatentCap">The length cap's intercept, in latent frames.</param>
/// <param name="Speakers">The speakers of a multi-speaker model; empty for a single-speaker model.</param>
/// <param name="TextNormalizer">The version of the text normaliser the model was trained with ("none" when text is used as is).</param>
public sealed record SpeechModelInfo(
    int MelBands,
    int LatentSize,
    int Downsample,
    int SampleRate,
    int HopLength,
    int MaxTextBytes,
    int MaxMelFrames,
    double LatentsPerTextByte,
    int MinLatentCap,
    IReadOnlyList<SpeakerDescriptor> Speakers,
    string TextNormalizer)
{
    /// <summary>
    /// Gets the sampling temperature a request without its own (<see cref="SynthesisOptions.Temperature"/> null) is
    /// generated with: the model's recommendation (a LeWM checkpoint's <c>sampling_temperature</c>); 0, the default, is
    /// deterministic greedy decoding.
    /// </summary>
    public double DefaultTemperature { get; init; }

    /// <summary>Gets the most latent frames one run generates for a text of <paramref name="textBytes"/> UTF-8 bytes.</summary>
    /// <param name="textBytes">The text's UTF-8 byte count.</param>
    /// <returns>min(ceil(slope · bytes) + intercept, ceil(max mel frames / downsample)).</returns>
    public int LengthCap(int textBytes) => LengthCap(textBytes, LatentsPerTextByte, MinLatentCap, MaxMelFrames, Downsample);

    /// <summary>The length cap rule, shared by every backend and by the model configuration that defines its terms.</summary>
    /// <param name="textBytes">The text's UTF-8 byte count.</param>
    /// <param name="latentsPerTextByte">The slope: latent frames allowed per text byte.</param>
    /// <param name="minLatentCap">The intercept, in latent frames.</param>
    /// <param name="maxMelFrames">The most mel frames one run generates.</param>
    /// <param name="downsample">Mel frames per latent frame.</param>
    /// <returns>min(ceil(slope · bytes) + intercept, ceil(max mel frames / downsample)).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="textBytes"/> is negative.</exception>
    public static int LengthCap(int textBytes, double latentsPerTextByte, int minLatentCap, int maxMelFrames, int downsample)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(textBytes);
        long cap = (long)Math.Ceiling(latentsPerTextByte * textBytes) + minLatentCap;
        long limit = (maxMelFrames + downsample - 1) / downsample;
        return (int)Math.Min(cap, limit);
    }
}
