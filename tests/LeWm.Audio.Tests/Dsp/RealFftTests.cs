using LeWm.Audio.Dsp;

namespace LeWm.Audio.Tests.Dsp;

public sealed class RealFftTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(1024)]
    public void Forward_RandomSignal_MatchesDirectDftWithin1e9(int size)
    {
        var random = new Random(size);
        double[] x = Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var fft = new RealFft(size);
        var re = new double[fft.Bins];
        var im = new double[fft.Bins];

        fft.Forward(x, re, im);

        for (int k = 0; k < fft.Bins; k++)
        {
            double expectedRe = 0, expectedIm = 0;
            for (int n = 0; n < size; n++)
            {
                double angle = -2 * Math.PI * k * n / size;
                expectedRe += x[n] * Math.Cos(angle);
                expectedIm += x[n] * Math.Sin(angle);
            }

            Assert.True(Math.Abs(re[k] - expectedRe) < 1e-9, $"bin {k} re: {re[k]} vs {expectedRe}");
            Assert.True(Math.Abs(im[k] - expectedIm) < 1e-9, $"bin {k} im: {im[k]} vs {expectedIm}");
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(32)]
    [InlineData(1024)]
    public void Inverse_OfForward_ReturnsTheSignal(int size)
    {
        var random = new Random(7);
        double[] x = Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var fft = new RealFft(size);
        var re = new double[fft.Bins];
        var im = new double[fft.Bins];
        var back = new double[size];

        fft.Forward(x, re, im);
        fft.Inverse(re, im, back);

        for (int n = 0; n < size; n++)
        {
            Assert.True(Math.Abs(back[n] - x[n]) < 1e-12, $"sample {n}: {back[n]} vs {x[n]}");
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(1024)]
    public void ForwardPower_RandomSignal_EqualsSquaredMagnitudeOfForward(int size)
    {
        var random = new Random(size + 1);
        double[] x = Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var fft = new RealFft(size);
        var re = new double[fft.Bins];
        var im = new double[fft.Bins];
        var power = new double[fft.Bins];

        fft.Forward(x, re, im);
        fft.ForwardPower(x, power);

        for (int k = 0; k < fft.Bins; k++)
        {
            double expected = (re[k] * re[k]) + (im[k] * im[k]);
            Assert.True(Math.Abs(power[k] - expected) <= 1e-12 * Math.Max(1, expected), $"bin {k}: {power[k]} vs {expected}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(1000)]
    public void Constructor_SizeNotPowerOfTwoOrTooSmall_Throws(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft(size));
}
