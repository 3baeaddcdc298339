using BenchmarkDotNet.Attributes;
using LeWm.Audio.Dsp;
using LeWm.Audio.Mel;

namespace LeWm.Benchmarks.Audio;

/// <summary>The audio front end on 10 s of 24 kHz audio (torchaudio's MelSpectrogram: ≈ 7 ms here).</summary>
[MemoryDiagnoser]
public class MelBenchmarks
{
    private readonly MelSpectrogram _mel = new();
    private readonly StftProcessor _stft = new();
    private float[] _audio = [];
    private ComplexSpectrogram? _spectrogram;

    [GlobalSetup]
    public void Setup()
    {
        _audio = BenchmarkSignals.Create(10, 24_000);
        _spectrogram = _stft.Forward(_audio);
    }

    [Benchmark]
    public LogMel LogMel10s() => _mel.Compute(_audio);

    [Benchmark]
    public ComplexSpectrogram Stft10s() => _stft.Forward(_audio);

    [Benchmark]
    public float[] Istft10s() => _stft.Inverse(_spectrogram!);
}
