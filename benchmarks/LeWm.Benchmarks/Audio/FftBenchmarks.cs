using BenchmarkDotNet.Attributes;
using LeWm.Audio.Dsp;

namespace LeWm.Benchmarks.Audio;

/// <summary>One 1024-point real FFT: ours (double precision) against NWaves' (single precision).</summary>
[MemoryDiagnoser]
public class FftBenchmarks
{
    private readonly RealFft _fft = new(1024);
    private readonly NWaves.Transforms.RealFft _nwaves = new(1024);
    private readonly double[] _input = new double[1024];
    private readonly float[] _inputF = new float[1024];
    private readonly double[] _re = new double[513];
    private readonly double[] _im = new double[513];
    private readonly float[] _reF = new float[1024];
    private readonly float[] _imF = new float[1024];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (int i = 0; i < 1024; i++)
        {
            _input[i] = random.NextDouble() - 0.5;
            _inputF[i] = (float)_input[i];
        }
    }

    [Benchmark(Baseline = true)]
    public void LeWmRealFftDouble() => _fft.Forward(_input, _re, _im);

    [Benchmark]
    public void NWavesRealFftSingle() => _nwaves.Direct(_inputF, _reF, _imF);
}
