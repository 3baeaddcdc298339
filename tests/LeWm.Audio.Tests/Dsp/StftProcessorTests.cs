using LeWm.Audio.Dsp;

namespace LeWm.Audio.Tests.Dsp;

public sealed class StftProcessorTests
{
    private static float[] RandomAudio(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1) * 0.5f).ToArray();
    }

    [Fact]
    public void Forward_Noise_MatchesTorchStftWithin1e4()
    {
        // Reference: torch.stft(x.double(), n_fft=1024, hop_length=256, window=hann(1024, periodic), center=True,
        // pad_mode='reflect') from python/fixtures/make_audio_fixtures.py (Debian python3-torch), stored as float32.
        float[] input = Fixture.Npy("mel", "noise.input.npy").Data;
        var expectedRe = Fixture.Npy("stft", "noise.stft_re.npy");
        var expectedIm = Fixture.Npy("stft", "noise.stft_im.npy");

        ComplexSpectrogram actual = new StftProcessor().Forward(input);

        Assert.Equal(expectedRe.Shape, new[] { actual.Bins, actual.Frames });
        for (int i = 0; i < actual.Real.Length; i++)
        {
            Assert.True(Math.Abs(actual.Real[i] - expectedRe.Data[i]) <= 1e-4, $"re[{i}] {actual.Real[i]} vs {expectedRe.Data[i]}");
            Assert.True(Math.Abs(actual.Imaginary[i] - expectedIm.Data[i]) <= 1e-4, $"im[{i}] {actual.Imaginary[i]} vs {expectedIm.Data[i]}");
        }
    }

    [Theory]
    [InlineData(24_000)]
    [InlineData(24_000 * 3 + 77)]
    [InlineData(600)]
    public void Inverse_CenterOfForward_ReconstructsRandomAudioWithin1e5(int length)
    {
        float[] x = RandomAudio(length, length);
        var stft = new StftProcessor();

        float[] y = stft.Inverse(stft.Forward(x), IstftPadding.Center, length);

        Assert.Equal(length, y.Length);
        float worst = 0;
        for (int i = 0; i < length; i++)
        {
            worst = Math.Max(worst, Math.Abs(y[i] - x[i]));
        }

        Assert.True(worst < 1e-5, $"max |Δ| = {worst}");
    }

    [Fact]
    public void Inverse_CenterWithoutLength_HasHopTimesFramesMinusOneSamples()
    {
        var stft = new StftProcessor();
        ComplexSpectrogram spec = stft.Forward(RandomAudio(10_000, 1));

        float[] y = stft.Inverse(spec);

        Assert.Equal(256 * (spec.Frames - 1), y.Length);
    }

    [Fact]
    public void Inverse_Same_HasHopTimesFramesSamplesAndInvertsAnUncenteredAnalysis()
    {
        // With 'same' padding, frame t covers samples [t·hop − (n − hop)/2, …) of the output. Analyse a signal
        // with that framing (uncentred STFT of the signal padded by (n − hop)/2 on both sides) and invert it.
        const int n = 1024, hop = 256, pad = (n - hop) / 2;
        float[] x = RandomAudio(hop * 40, 3);
        var padded = new float[x.Length + (2 * pad) + hop];
        Array.Copy(x, 0, padded, pad, x.Length);
        var analysis = new StftProcessor(new StftOptions { Center = false });
        ComplexSpectrogram spec = analysis.Forward(padded);
        int frames = x.Length / hop;
        var cropped = new ComplexSpectrogram(
            Crop(spec.Real, spec.Bins, spec.Frames, frames), Crop(spec.Imaginary, spec.Bins, spec.Frames, frames), spec.Bins, frames);

        float[] y = new StftProcessor().Inverse(cropped, IstftPadding.Same);

        Assert.Equal(hop * frames, y.Length);

        // The last (n − hop)/2 samples lack their full overlap (the frames after them were cropped), so compare the rest.
        float worst = 0;
        for (int i = 0; i < y.Length - pad; i++)
        {
            worst = Math.Max(worst, Math.Abs(y[i] - x[i]));
        }

        Assert.True(worst < 1e-5, $"max |Δ| = {worst}");
    }

    [Fact]
    public void FrameCount_Centered_IsOnePlusSamplesOverHop()
    {
        var stft = new StftProcessor();
        Assert.Equal(1 + (24_000 / 256), stft.FrameCount(24_000));
        Assert.Equal(4, stft.FrameCount(513 + 256));
        Assert.Equal(3, stft.FrameCount(513));
    }

    [Fact]
    public void Forward_ClipShorterThanHalfWindow_ThrowsAudioFormatExceptionNamingTheMinimum()
    {
        var e = Assert.Throws<AudioFormatException>(() => new StftProcessor().Forward(new float[512]));
        Assert.Contains("513", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_NaNSample_ThrowsAudioFormatException()
    {
        float[] x = RandomAudio(2048, 5);
        x[100] = float.NaN;
        Assert.Throws<AudioFormatException>(() => new StftProcessor().Forward(x));
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new StftProcessor(new StftOptions { FftSize = 1000, HopLength = 0 }));
        Assert.Contains("FftSize", e.Message, StringComparison.Ordinal);
        Assert.Contains("HopLength", e.Message, StringComparison.Ordinal);
    }

    private static float[] Crop(float[] values, int bins, int frames, int keep)
    {
        var cropped = new float[bins * keep];
        for (int k = 0; k < bins; k++)
        {
            Array.Copy(values, k * frames, cropped, k * keep, keep);
        }

        return cropped;
    }
}
