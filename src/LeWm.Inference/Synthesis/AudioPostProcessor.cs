using LeWm.Audio.Dsp;

namespace LeWm.Inference;

/// <summary>What <see cref="SynthesisOptions"/> asks of finished audio: silence trimming, loudness, resampling.</summary>
internal static class AudioPostProcessor
{
    /// <summary>Frames (10 ms) quieter than this many dB below the loudest frame count as silence when trimming.</summary>
    private const double TrimThresholdDb = 40;

    public static float[] Apply(float[] samples, int sampleRate, SynthesisOptions options)
    {
        if (options.TrimSilence)
        {
            samples = TrimSilence(samples, sampleRate);
        }

        if (options.NormalizeLoudnessDbfs is double target)
        {
            NormalizeLoudness(samples, target);
        }

        if (options.OutputSampleRate is int rate && rate != sampleRate && samples.Length > 0)
        {
            samples = Resampler.Resample(samples, sampleRate, rate);
        }

        return samples;
    }

    /// <summary>Cuts leading and trailing 10 ms frames quieter than the loudest frame − 40 dB, keeping 20 ms of margin.</summary>
    public static float[] TrimSilence(float[] samples, int sampleRate)
    {
        int frame = Math.Max(1, sampleRate / 100);
        int frames = samples.Length / frame;
        if (frames < 3)
        {
            return samples;
        }

        var energy = new double[frames];
        double loudest = 0;
        for (int f = 0; f < frames; f++)
        {
            double sum = 0;
            foreach (float s in samples.AsSpan(f * frame, frame))
            {
                sum += (double)s * s;
            }

            energy[f] = sum / frame;
            loudest = Math.Max(loudest, energy[f]);
        }

        if (loudest <= 0)
        {
            return [];
        }

        double threshold = loudest * Math.Pow(10, -TrimThresholdDb / 10);
        int first = Array.FindIndex(energy, e => e > threshold);
        int last = Array.FindLastIndex(energy, e => e > threshold);
        int start = Math.Max(0, (first - 2) * frame);
        int end = Math.Min(samples.Length, (last + 3) * frame);
        return samples[start..end];
    }

    /// <summary>Scales to an RMS level in dBFS, limited so the peak stays at or below −1 dBFS.</summary>
    public static void NormalizeLoudness(Span<float> samples, double targetDbfs)
    {
        if (samples.IsEmpty)
        {
            return;
        }

        double sum = 0, peak = 0;
        foreach (float s in samples)
        {
            sum += (double)s * s;
            peak = Math.Max(peak, Math.Abs(s));
        }

        double rms = Math.Sqrt(sum / samples.Length);
        if (rms <= 1e-9)
        {
            return;
        }

        double gain = Math.Pow(10, targetDbfs / 20) / rms;
        double peakLimit = Math.Pow(10, -1.0 / 20);
        gain = Math.Min(gain, peakLimit / peak);
        System.Numerics.Tensors.TensorPrimitives.Multiply(samples, (float)gain, samples);
    }
}
