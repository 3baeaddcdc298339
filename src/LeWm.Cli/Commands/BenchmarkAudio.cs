namespace LeWm.Cli.Commands;

/// <summary>Deterministic, speech-like test audio for benchmarks: a gliding harmonic tone with noise.</summary>
internal static class BenchmarkAudio
{
    public static float[] Create(int samples, int sampleRate = 24_000)
    {
        var random = new Random(1234);
        var audio = new float[samples];
        double phase = 0;
        for (int i = 0; i < samples; i++)
        {
            double t = (double)i / sampleRate;
            double f0 = 120 + (40 * Math.Sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * f0 / sampleRate;
            double voiced = (0.3 * Math.Sin(phase)) + (0.15 * Math.Sin(2 * phase)) + (0.08 * Math.Sin(3 * phase));
            double envelope = 0.5 + (0.5 * Math.Sin(2 * Math.PI * 3 * t));
            audio[i] = (float)((voiced * envelope) + (0.01 * (random.NextDouble() - 0.5)));
        }

        return audio;
    }
}
