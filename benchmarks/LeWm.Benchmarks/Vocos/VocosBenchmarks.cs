using BenchmarkDotNet.Attributes;
using LeWm.Audio.Mel;
using LeWm.Benchmarks.Audio;
using LeWm.Vocos;

namespace LeWm.Benchmarks.Vocos;

/// <summary>
/// Full-size Vocos (mel-24khz shapes, random weights) on 10 s of audio. PyTorch eager on the same machine:
/// benchmarks/python/bench_vocos_torch.py.
/// </summary>
[MemoryDiagnoser]
public class VocosBenchmarks
{
    private VocosVocoder? _vocoder;
    private LogMel? _mel;

    [GlobalSetup]
    public void Setup()
    {
        _vocoder = VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 7);
        _mel = new MelSpectrogram().Compute(BenchmarkSignals.Create(10, 24_000));
    }

    [GlobalCleanup]
    public void Cleanup() => _vocoder?.Dispose();

    [Benchmark]
    public float[] Vocode10s() => _vocoder!.Vocode(_mel!);
}
