using LeWm.Audio;
using LeWm.Audio.Mel;

namespace LeWm.Inference.Tests;

public sealed class GriffinLimVocoderTests
{
    private static LogMel SpeechLikeMel(int seconds = 1)
    {
        var samples = new float[24_000 * seconds];
        double phase = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            phase += 2 * Math.PI * (140 + (30 * Math.Sin(i / 3000.0))) / 24_000;
            samples[i] = (float)((0.3 * Math.Sin(phase)) + (0.1 * Math.Sin(3 * phase)));
        }

        return new MelSpectrogram().Compute(samples);
    }

    [Fact]
    public async Task VocodeAsync_Batch_ReturnsOneWaveformPerMelOfTheDeclaredLength()
    {
        using IVocoder vocoder = new GriffinLimVocoder();
        LogMel longer = SpeechLikeMel(1);
        var shorter = new LogMel(Enumerable.Range(0, 100 * 50).Select(i => longer.Values[(i / 50 * longer.Frames) + (i % 50)]).ToArray(), 100, 50);

        IReadOnlyList<float[]> audio = await vocoder.VocodeAsync([longer, shorter]);

        Assert.Equal(2, audio.Count);
        Assert.Equal(vocoder.OutputLength(longer.Frames), audio[0].Length);
        Assert.Equal(256 * 49, audio[1].Length);
        Assert.Equal(24_000, vocoder.SampleRate);
        Assert.Equal(100, vocoder.MelBands);
        Assert.Equal(256, vocoder.HopLength);
    }

    [Fact]
    public async Task VocodeAsync_SpeechMel_ReproducesTheMelClosely()
    {
        using IVocoder vocoder = new GriffinLimVocoder();
        LogMel mel = SpeechLikeMel();

        float[] audio = (await vocoder.VocodeAsync([mel]))[0];
        LogMel again = new MelSpectrogram().Compute(audio);

        double error = 0;
        int count = 0;
        for (int m = 0; m < mel.Bands; m++)
        {
            for (int t = 2; t < mel.Frames - 2; t++)
            {
                if (mel[m, t] > -5)
                {
                    error += Math.Abs(mel[m, t] - again[m, t]);
                    count++;
                }
            }
        }

        Assert.True(error / count < 0.5, $"mean |Δ log-mel| = {error / count}");
    }

    [Fact]
    public async Task VocodeAsync_EmptyBatch_ThrowsArgumentException()
    {
        using IVocoder vocoder = new GriffinLimVocoder();
        await Assert.ThrowsAsync<ArgumentException>(() => vocoder.VocodeAsync([]));
    }

    [Fact]
    public async Task VocodeAsync_WrongBands_ThrowsNamingTheItem()
    {
        using IVocoder vocoder = new GriffinLimVocoder();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => vocoder.VocodeAsync([SpeechLikeMel(), new LogMel(new float[80 * 5], 80, 5)]));
        Assert.Contains("Mel 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VocodeAsync_Infinity_ThrowsAudioFormatException()
    {
        using IVocoder vocoder = new GriffinLimVocoder();
        var values = new float[100 * 5];
        values[7] = float.NegativeInfinity;
        await Assert.ThrowsAsync<AudioFormatException>(() => vocoder.VocodeAsync([new LogMel(values, 100, 5)]));
    }

    [Fact]
    public async Task VocodeAsync_Cancelled_Throws()
    {
        using IVocoder vocoder = new GriffinLimVocoder();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => vocoder.VocodeAsync([SpeechLikeMel()], cts.Token));
    }

    [Fact]
    public async Task VocodeAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var vocoder = new GriffinLimVocoder();
        vocoder.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => vocoder.VocodeAsync([SpeechLikeMel()]));
    }
}
