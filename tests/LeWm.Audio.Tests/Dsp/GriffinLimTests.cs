using LeWm.Audio.Dsp;
using LeWm.Audio.Mel;

namespace LeWm.Audio.Tests.Dsp;

public sealed class GriffinLimTests
{
    private static float[] Speech() => Fixture.Npy("mel", "speech.input.npy").Data;

    [Fact]
    public void Reconstruct_MoreIterations_LowersSpectralConvergence()
    {
        float[] x = Speech();
        var stft = new StftProcessor();
        ComplexSpectrogram spec = stft.Forward(x);
        float[] magnitude = spec.Magnitude();
        var griffinLim = new GriffinLim();

        double[] convergence = [.. new[] { 0, 4, 16, 64 }.Select(n =>
            griffinLim.SpectralConvergence(griffinLim.Reconstruct(magnitude, spec.Frames, n), magnitude, spec.Frames))];

        for (int i = 1; i < convergence.Length; i++)
        {
            Assert.True(convergence[i] < convergence[i - 1], $"SC after more iterations did not fall: {string.Join(", ", convergence)}");
        }

        Assert.True(convergence[^1] < 0.5 * convergence[0], $"SC: {string.Join(", ", convergence)}");
    }

    [Fact]
    public void MelToMagnitude_OfSpeechMel_ProjectsBackToTheMel()
    {
        var mel = new MelSpectrogram();
        LogMel logMel = mel.Compute(Speech());
        var griffinLim = new GriffinLim();

        float[] magnitude = griffinLim.MelToMagnitude(logMel);

        Assert.All(magnitude, v => Assert.True(v >= 0));

        // Project back through the filter bank; loud bands must come back within 10 %. The lowest bands are
        // narrower than an FFT bin and share their bins, so no spectrum reproduces them exactly: check the bands
        // whose triangle spans at least three bins.
        bool[] resolvable = [.. Enumerable.Range(0, logMel.Bands).Select(m =>
            Enumerable.Range(0, griffinLim.FilterBank.Bins).Count(k => griffinLim.FilterBank[k, m] > 0) >= 3)];
        var column = new double[griffinLim.FilterBank.Bins];
        var projected = new double[logMel.Bands];
        int checkedBands = 0;
        for (int t = 0; t < logMel.Frames; t += 7)
        {
            for (int k = 0; k < column.Length; k++)
            {
                column[k] = magnitude[(k * logMel.Frames) + t];
            }

            griffinLim.FilterBank.Apply(column, projected);
            for (int m = 0; m < logMel.Bands; m++)
            {
                double target = Math.Exp(logMel[m, t]);
                if (resolvable[m] && target > 1e-2)
                {
                    Assert.True(Math.Abs(projected[m] - target) <= 0.1 * target, $"band {m} frame {t}: {projected[m]} vs {target}");
                    checkedBands++;
                }
            }
        }

        Assert.True(checkedBands > 100);
    }

    [Fact]
    public void Synthesize_SpeechMel_GivesAudioWhoseMelIsClose()
    {
        var mel = new MelSpectrogram();
        LogMel logMel = mel.Compute(Speech());

        float[] audio = new GriffinLim().Synthesize(logMel);

        Assert.Equal(256 * (logMel.Frames - 1), audio.Length);
        LogMel again = mel.Compute(audio);
        double sum = 0;
        int count = 0;
        for (int i = 0; i < logMel.Values.Length; i++)
        {
            if (logMel.Values[i] > -6)
            {
                sum += Math.Abs(again.Values[i] - logMel.Values[i]);
                count++;
            }
        }

        Assert.True(sum / count < 0.5, $"mean |Δ log-mel| = {sum / count}");
    }

    [Fact]
    public void Synthesize_WrongBandCount_Throws()
    {
        var logMel = new LogMel(new float[80 * 10], 80, 10);
        Assert.Throws<ArgumentException>(() => new GriffinLim().Synthesize(logMel));
    }

    [Fact]
    public void Synthesize_NaN_ThrowsAudioFormatException()
    {
        var values = new float[100 * 10];
        values[5] = float.NaN;
        Assert.Throws<AudioFormatException>(() => new GriffinLim().Synthesize(new LogMel(values, 100, 10)));
    }

    [Fact]
    public void Synthesize_Cancelled_Throws()
    {
        LogMel logMel = new MelSpectrogram().Compute(Speech());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => new GriffinLim().Synthesize(logMel, cts.Token));
    }
}
