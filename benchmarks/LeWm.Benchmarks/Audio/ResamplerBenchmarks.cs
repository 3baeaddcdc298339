using BenchmarkDotNet.Attributes;
using LeWm.Audio.Dsp;

namespace LeWm.Benchmarks.Audio;

/// <summary>Resampling 10 s of audio to 24 kHz.</summary>
[MemoryDiagnoser]
public class ResamplerBenchmarks
{
    private float[] _audio = [];

    [Params(44_100, 48_000, 16_000)]
    public int SourceRate { get; set; }

    [GlobalSetup]
    public void Setup() => _audio = BenchmarkSignals.Create(10, SourceRate);

    [Benchmark]
    public float[] ResampleTo24k10s() => Resampler.Resample(_audio, SourceRate, 24_000);
}
