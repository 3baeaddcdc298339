namespace LeWm.Audio.Tests.Segmentation;

/// <summary>
/// Builds recordings of speech-like bursts (a voiced harmonic tone with a syllable-rate amplitude modulation and a
/// little breath noise) separated by near-silence, and remembers where each burst is.
/// </summary>
internal sealed class SyntheticSpeech
{
    private readonly List<float> _samples = [];
    private readonly List<(int Start, int End)> _sentences = [];
    private readonly Random _random;

    public SyntheticSpeech(int sampleRate, int seed)
    {
        SampleRate = sampleRate;
        _random = new Random(seed);
    }

    public int SampleRate { get; }

    /// <summary>The time written so far.</summary>
    public double Seconds => (double)_samples.Count / SampleRate;

    /// <summary>Each sentence as [start, end) in samples.</summary>
    public IReadOnlyList<(int Start, int End)> Sentences => _sentences;

    /// <summary>Appends near-silence: noise about 85 dB below full scale.</summary>
    public SyntheticSpeech Silence(double seconds)
    {
        int count = (int)Math.Round(seconds * SampleRate);
        for (int i = 0; i < count; i++)
        {
            _samples.Add((float)(1e-4 * ((2 * _random.NextDouble()) - 1)));
        }

        return this;
    }

    /// <summary>Appends one sentence of <paramref name="seconds"/>; <paramref name="dip"/> makes a quieter stretch in it.</summary>
    public SyntheticSpeech Sentence(double seconds, bool modulated = true, (double At, double Seconds, double Gain)? dip = null)
    {
        int count = (int)Math.Round(seconds * SampleRate);
        double level = 0.2 + (0.3 * _random.NextDouble());
        double pitch = 100 + (120 * _random.NextDouble());
        double syllableRate = 3 + (2 * _random.NextDouble());
        double syllablePhase = 2 * Math.PI * _random.NextDouble();
        int ramp = SampleRate / 50;
        int start = _samples.Count;
        for (int i = 0; i < count; i++)
        {
            double t = (double)i / SampleRate;
            double voiced = 0;
            for (int harmonic = 1; harmonic <= 6; harmonic++)
            {
                voiced += Math.Sin(2 * Math.PI * pitch * harmonic * t) / harmonic;
            }

            double envelope = modulated ? 0.55 + (0.45 * Math.Sin((2 * Math.PI * syllableRate * t) + syllablePhase)) : 1;
            double noise = 0.1 * ((2 * _random.NextDouble()) - 1);
            double fade = Math.Min(1, Math.Min(i, count - 1 - i) / (double)ramp);
            double gain = dip is { } d && t >= d.At && t < d.At + d.Seconds ? d.Gain : 1;
            _samples.Add((float)(level * envelope * fade * gain * ((0.6 * voiced) + noise)));
        }

        _sentences.Add((start, _samples.Count));
        return this;
    }

    /// <summary>Appends sentences of random lengths in [1.5, 4] s separated by <paramref name="pauseSeconds"/> of silence until <paramref name="totalSeconds"/>.</summary>
    public SyntheticSpeech SentencesUntil(double totalSeconds, double pauseSeconds)
    {
        while (Seconds < totalSeconds)
        {
            Sentence(1.5 + (2.5 * _random.NextDouble()));
            Silence(pauseSeconds);
        }

        return this;
    }

    public AudioClip ToClip() => new([.. _samples], SampleRate);
}
