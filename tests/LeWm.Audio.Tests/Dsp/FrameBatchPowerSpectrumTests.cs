using System.Runtime.Intrinsics;
using LeWm.Audio.Dsp;

namespace LeWm.Audio.Tests.Dsp;

public sealed class FrameBatchPowerSpectrumTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(1024)]
    public void Compute_FourRandomFrames_EqualsOneFrameAtATimeBitForBit(int size)
    {
        var random = new Random(size);
        var batch = new FrameBatchPowerSpectrum(size);
        foreach (double[] frame in batch.Frames)
        {
            for (int i = 0; i < size; i++)
            {
                frame[i] = random.NextDouble() - 0.5;
            }
        }

        var power = new Vector256<double>[(size / 2) + 1];
        batch.Compute(power);

        var fft = new RealFft(size);
        var expected = new double[fft.Bins];
        for (int lane = 0; lane < FrameBatchPowerSpectrum.Lanes; lane++)
        {
            fft.ForwardPower(batch.Frames[lane], expected);
            for (int k = 0; k < fft.Bins; k++)
            {
                Assert.Equal(expected[k], power[k][lane]);
            }
        }
    }
}
