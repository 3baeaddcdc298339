namespace LeWm.Benchmarks.Audio;

/// <summary>Deterministic speech-like signals for the audio benchmarks.</summary>
internal static class BenchmarkSignals
{
    public static float[] Create(double seconds, int sampleRate)
    {
        int samples = (int)(seconds * sampleRate);
        var random = new Random(1234);
        var audio = new float[samples];
        double phase = 0;
        for (int i = 0; i < samples; i++)
        {
            double t = (double)i / sampleRate;
            phase += 2 * Math.PI * (120 + (40 * Math.Sin(2 * Math.PI * 0.7 * t))) / sampleRate;
            audio[i] = (float)((0.3 * Math.Sin(phase)) + (0.15 * Math.Sin(2 * phase)) + (0.01 * (random.NextDouble() - 0.5)));
        }

        return audio;
    }
}
