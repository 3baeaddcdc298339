using LeWm.Audio.Dsp;

namespace LeWm.Audio.Tests.Dsp;

public sealed class ResamplerTests
{
    [Fact]
    public void Resample_OneKilohertzSineFrom44100To24000_KeepsFrequencyAndAmplitudeWithinTenthDb()
    {
        const double amplitude = 0.5;
        float[] input = Sine(1000, amplitude, 44_100, 44_100);

        float[] output = Resampler.Resample(input, 44_100, 24_000);

        (int from, int to) = Middle(output.Length, 24_000);
        double frequency = ZeroCrossingFrequency(output.AsSpan(from, to - from), 24_000);
        double levelDb = Decibels(WindowedAmplitude(output, 1000, 24_000, from, to) / amplitude);
        Assert.InRange(frequency, 999.99, 1000.01);
        Assert.InRange(levelDb, -0.1, 0.1);
    }

    [Fact]
    public void Resample_FifteenKilohertzToneFrom48000To24000_AliasesBelowMinus60Db()
    {
        // A full-scale 15 kHz tone is above 24 kHz's Nyquist frequency: without filtering it folds to 9 kHz.
        float[] input = Sine(15_000, 1.0, 48_000, 48_000);

        float[] output = Resampler.Resample(input, 48_000, 24_000);

        (int from, int to) = Middle(output.Length, 24_000);
        double aliasDb = Decibels(WindowedAmplitude(output, 9000, 24_000, from, to));
        double residualDb = Decibels(Rms(output.AsSpan(from, to - from)) / Math.Sqrt(0.5));
        Assert.True(aliasDb < -60, $"The 9 kHz alias is at {aliasDb:F1} dB re full scale.");
        Assert.True(residualDb < -60, $"The residual is at {residualDb:F1} dB re a full-scale tone.");
    }

    [Theory]
    [InlineData(12_600)]
    [InlineData(15_000)]
    [InlineData(20_000)]
    public void Resample_ToneAbove12KilohertzFrom44100To24000_AliasesBelowMinus60Db(double frequency)
    {
        float[] input = Sine(frequency, 1.0, 44_100, 44_100);

        float[] output = Resampler.Resample(input, 44_100, 24_000);

        (int from, int to) = Middle(output.Length, 24_000);
        double aliasDb = Decibels(WindowedAmplitude(output, 24_000 - frequency, 24_000, from, to));
        Assert.True(aliasDb < -60, $"The alias of {frequency} Hz is at {aliasDb:F1} dB re full scale.");
    }

    [Fact]
    public void Resample_TenKilohertzToneFrom24000To48000_ImageBelowMinus60Db()
    {
        float[] input = Sine(10_000, 1.0, 24_000, 24_000);

        float[] output = Resampler.Resample(input, 24_000, 48_000);

        (int from, int to) = Middle(output.Length, 48_000);
        double toneDb = Decibels(WindowedAmplitude(output, 10_000, 48_000, from, to));
        double imageDb = Decibels(WindowedAmplitude(output, 14_000, 48_000, from, to));
        Assert.InRange(toneDb, -0.1, 0.1);
        Assert.True(imageDb < -60, $"The 14 kHz image is at {imageDb:F1} dB re full scale.");
    }

    [Theory]
    [InlineData(44_100, 24_000)]
    [InlineData(48_000, 24_000)]
    [InlineData(22_050, 24_000)]
    [InlineData(16_000, 24_000)]
    [InlineData(8000, 24_000)]
    [InlineData(24_000, 8000)]
    [InlineData(24_000, 16_000)]
    [InlineData(24_000, 22_050)]
    [InlineData(24_000, 44_100)]
    [InlineData(24_000, 48_000)]
    [InlineData(96_000, 24_000)]
    [InlineData(44_101, 24_000)]
    [InlineData(24_000, 44_101)]
    public void Resample_OneKilohertzSine_MatchesIdealSineWithoutDelay(int sourceRate, int targetRate)
    {
        const double amplitude = 0.5;
        float[] input = Sine(1000, amplitude, sourceRate, sourceRate);

        float[] output = Resampler.Resample(input, sourceRate, targetRate);

        // Zero group delay: away from the edges, output m equals the sine at m / targetRate seconds.
        (int from, int to) = Middle(output.Length, targetRate);
        double worst = 0;
        for (int m = from; m < to; m++)
        {
            double ideal = amplitude * Math.Sin(2 * Math.PI * 1000 * m / targetRate);
            worst = Math.Max(worst, Math.Abs(output[m] - ideal));
        }

        Assert.True(worst < 1e-4, $"{sourceRate} → {targetRate} Hz differs from the ideal sine by up to {worst:E2}.");
        Assert.InRange(Decibels(WindowedAmplitude(output, 1000, targetRate, from, to) / amplitude), -0.1, 0.1);
    }

    [Theory]
    [InlineData(44_100, 24_000, 44_100, 24_000)]
    [InlineData(44_100, 24_000, 1001, 545)]
    [InlineData(22_050, 24_000, 1000, 1088)]
    [InlineData(8000, 24_000, 7, 21)]
    [InlineData(24_000, 8000, 5, 2)]
    [InlineData(48_000, 24_000, 1, 1)]
    [InlineData(44_101, 24_000, 44_101, 24_000)]
    public void Resample_AnyLength_ReturnsRoundedProportionalLength(int sourceRate, int targetRate, int inputLength, int expectedLength)
    {
        float[] output = Resampler.Resample(new float[inputLength], sourceRate, targetRate);

        Assert.Equal(expectedLength, output.Length);
    }

    [Theory]
    [InlineData(44_100, 24_000)]
    [InlineData(8000, 24_000)]
    [InlineData(44_101, 24_000)]
    public void Resample_ConstantSignal_KeepsLevelAwayFromEdges(int sourceRate, int targetRate)
    {
        float[] input = new float[sourceRate];
        Array.Fill(input, 0.25f);

        float[] output = Resampler.Resample(input, sourceRate, targetRate);

        (int from, int to) = Middle(output.Length, targetRate);
        for (int m = from; m < to; m++)
        {
            Assert.Equal(0.25, output[m], 1e-5);
        }
    }

    [Fact]
    public void Resample_EmptyInput_ReturnsEmpty()
    {
        float[] output = Resampler.Resample(ReadOnlySpan<float>.Empty, 44_100, 24_000);

        Assert.Empty(output);
    }

    [Fact]
    public void Resample_SameRate_ReturnsEqualCopy()
    {
        float[] input = [0.1f, -0.2f, 0.3f];

        float[] output = Resampler.Resample(input, 24_000, 24_000);

        Assert.Equal(input, output);
        Assert.NotSame(input, output);
    }

    [Theory]
    [InlineData(0, 24_000)]
    [InlineData(-1, 24_000)]
    [InlineData(24_000, 0)]
    [InlineData(24_000, -44_100)]
    public void Resample_NonPositiveRate_ThrowsArgumentOutOfRange(int sourceRate, int targetRate)
    {
        float[] input = new float[16];

        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resample(input, sourceRate, targetRate));
    }

    [Fact]
    public void Resample_NonFiniteSample_ThrowsAudioFormatException()
    {
        float[] input = [0f, float.NaN, 0f];

        Assert.Throws<AudioFormatException>(() => Resampler.Resample(input, 44_100, 24_000));
    }

    [Fact]
    public void Resample_RepeatedCalls_GiveIdenticalOutput()
    {
        float[] input = Sine(440, 0.5, 44_100, 4410);

        float[] first = Resampler.Resample(input, 44_100, 24_000);
        _ = Resampler.Resample(input, 48_000, 16_000);
        float[] second = Resampler.Resample(input, 44_100, 24_000);

        Assert.Equal(first, second);
    }

    [Fact]
    public void ResampleTo_ClipAt44100_ReturnsClipAtTargetRate()
    {
        var clip = new AudioClip(Sine(1000, 0.5, 44_100, 44_100), 44_100);

        AudioClip resampled = clip.ResampleTo(24_000);

        Assert.Equal(24_000, resampled.SampleRate);
        Assert.Equal(24_000, resampled.Length);
    }

    private static float[] Sine(double frequency, double amplitude, int sampleRate, int length)
    {
        var samples = new float[length];
        for (int i = 0; i < length; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return samples;
    }

    /// <summary>The signal without 0.1 s at each end, where the zeros outside the input make transients.</summary>
    private static (int From, int To) Middle(int length, int sampleRate) => (sampleRate / 10, length - (sampleRate / 10));

    /// <summary>The amplitude of the sinusoid at <paramref name="frequency"/>, by a Blackman-Harris windowed DFT.</summary>
    private static double WindowedAmplitude(float[] samples, double frequency, int sampleRate, int from, int to)
    {
        int count = to - from;
        double real = 0;
        double imaginary = 0;
        double windowSum = 0;
        for (int i = 0; i < count; i++)
        {
            double x = 2 * Math.PI * i / (count - 1);
            double window = 0.35875 - (0.48829 * Math.Cos(x)) + (0.14128 * Math.Cos(2 * x)) - (0.01168 * Math.Cos(3 * x));
            double phase = 2 * Math.PI * frequency * (from + i) / sampleRate;
            real += window * samples[from + i] * Math.Cos(phase);
            imaginary -= window * samples[from + i] * Math.Sin(phase);
            windowSum += window;
        }

        return 2 * Math.Sqrt((real * real) + (imaginary * imaginary)) / windowSum;
    }

    /// <summary>The frequency of a clean sinusoid from its first and last rising zero crossings (interpolated).</summary>
    private static double ZeroCrossingFrequency(ReadOnlySpan<float> samples, int sampleRate)
    {
        double first = double.NaN;
        double last = double.NaN;
        int crossings = 0;
        for (int i = 1; i < samples.Length; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                double time = (i - 1) + (samples[i - 1] / (double)(samples[i - 1] - samples[i]));
                if (crossings == 0)
                {
                    first = time;
                }

                last = time;
                crossings++;
            }
        }

        return (crossings - 1) * sampleRate / (last - first);
    }

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (float sample in samples)
        {
            sum += sample * (double)sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static double Decibels(double ratio) => 20 * Math.Log10(ratio);
}
