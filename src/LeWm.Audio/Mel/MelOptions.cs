namespace LeWm.Audio.Mel;

/// <summary>
/// The log-mel front end's settings. The defaults are Vocos <c>charactr/vocos-mel-24khz</c>'s, which the LeWM
/// model is trained on: 24 kHz, FFT 1024, Hann 1024, hop 256, centred frames, 100 HTK bands from 0 to 12 kHz
/// without area normalisation, magnitude (power 1), natural log floored at 1e-7.
/// </summary>
public sealed record MelOptions
{
    /// <summary>The sample rate the spectrogram is computed at, Hz. Default 24 000.</summary>
    public int SampleRate { get; init; } = AudioClip.ModelSampleRate;

    /// <summary>The FFT size in samples (power of two). Default 1024.</summary>
    public int FftSize { get; init; } = 1024;

    /// <summary>The window length in samples. Default 1024.</summary>
    public int WindowLength { get; init; } = 1024;

    /// <summary>The hop between frames in samples. Default 256.</summary>
    public int HopLength { get; init; } = 256;

    /// <summary>The number of mel bands. Default 100.</summary>
    public int Bands { get; init; } = 100;

    /// <summary>The lowest filter edge in Hz. Default 0.</summary>
    public double MinFrequency { get; init; }

    /// <summary>The highest filter edge in Hz; null means half the sample rate. Default null.</summary>
    public double? MaxFrequency { get; init; }

    /// <summary>Whether frames are centred with reflect padding (<c>center=True</c>). Default true.</summary>
    public bool Center { get; init; } = true;

    /// <summary>The floor applied before the natural log: <c>log(max(mel, floor))</c>. Default 1e-7.</summary>
    public double LogFloor { get; init; } = 1e-7;

    /// <summary>The highest filter edge actually used, Hz.</summary>
    public double EffectiveMaxFrequency => MaxFrequency ?? SampleRate / 2.0;

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (SampleRate <= 0)
        {
            problems.Add($"SampleRate must be positive (got {SampleRate}).");
        }

        if (Bands <= 0)
        {
            problems.Add($"Bands must be positive (got {Bands}).");
        }

        if (MinFrequency < 0 || MinFrequency >= EffectiveMaxFrequency)
        {
            problems.Add($"MinFrequency must be in [0, MaxFrequency = {EffectiveMaxFrequency}) (got {MinFrequency}).");
        }

        if (SampleRate > 0 && EffectiveMaxFrequency > SampleRate / 2.0)
        {
            problems.Add($"MaxFrequency must not exceed half the sample rate, {SampleRate / 2.0} Hz (got {EffectiveMaxFrequency}).");
        }

        if (!(LogFloor > 0))
        {
            problems.Add($"LogFloor must be positive (got {LogFloor}).");
        }

        try
        {
            ToStftOptions().Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid mel options: " + string.Join(" ", problems));
        }
    }

    /// <summary>The STFT framing these options imply.</summary>
    public Dsp.StftOptions ToStftOptions() => new()
    {
        FftSize = FftSize,
        WindowLength = WindowLength,
        HopLength = HopLength,
        Center = Center,
    };
}
