using LeWm.Audio.Evaluation;
using LeWm.Audio.Mel;

namespace LeWm.Audio.Tests.Evaluation;

public sealed class MelCepstralDistortionTests
{
    /// <summary>A 100-band log-mel of the committed speech fixture (the Vocos front end).</summary>
    private static LogMel Speech() => new MelSpectrogram().Compute(Fixture.Npy("mel", "speech.input.npy").Data);

    /// <summary>A log-mel built from a function of (band, frame).</summary>
    private static LogMel Mel(int bands, int frames, Func<int, int, float> value)
    {
        var values = new float[bands * frames];
        for (int n = 0; n < bands; n++)
        {
            for (int t = 0; t < frames; t++)
            {
                values[(n * frames) + t] = value(n, t);
            }
        }

        return new LogMel(values, bands, frames);
    }

    /// <summary>Repeats every frame of <paramref name="mel"/> <paramref name="times"/> times (a slowed-down copy).</summary>
    private static LogMel Stretch(LogMel mel, int times) =>
        Mel(mel.Bands, mel.Frames * times, (n, t) => mel[n, t / times]);

    [Fact]
    public void Compute_IdenticalSpeech_IsZero()
    {
        LogMel speech = Speech();

        MelCepstralDistortionResult result = MelCepstralDistortion.Compute(speech, Speech());

        Assert.Equal(0.0, result.Decibels);
        Assert.Equal(result.ReferenceFrames, result.CandidateFrames);
        Assert.Equal(result.ReferenceFrames, result.PathLength);
        Assert.Equal(1.0, result.DurationRatio);
    }

    [Fact]
    public void Compute_TimeStretchedCopy_IsAbsorbedByWarping()
    {
        LogMel speech = Speech();

        MelCepstralDistortionResult result = MelCepstralDistortion.Compute(speech, Stretch(speech, 2));

        Assert.Equal(0.0, result.Decibels, 1e-6);
        Assert.Equal(2.0, result.DurationRatio, 1e-9);
        Assert.Equal(result.CandidateFrames, result.PathLength);
    }

    [Fact]
    public void Compute_DifferentSpeech_IsPositiveAndSymmetricInCost()
    {
        LogMel speech = Speech();
        LogMel shifted = Mel(speech.Bands, speech.Frames, (n, t) => speech[Math.Min(n + 3, speech.Bands - 1), t]);

        MelCepstralDistortionResult forward = MelCepstralDistortion.Compute(speech, shifted);
        MelCepstralDistortionResult backward = MelCepstralDistortion.Compute(shifted, speech);

        Assert.True(forward.Decibels > 1, $"MCD {forward.Decibels} dB");
        Assert.Equal(forward.Decibels, backward.Decibels, 1e-3);
    }

    [Fact]
    public void Compute_SmallHandExample_MatchesReferenceScript()
    {
        // Numbers from Evaluation/mcd_reference.py (the definitions evaluated directly in Python).
        float[][] reference = [[0.0f, 1.0f, -1.0f], [0.5f, 2.0f, 0.0f], [1.0f, 0.5f, 2.0f], [-0.5f, 1.5f, 1.0f]];
        float[][] candidate = [[0.2f, -0.8f], [0.4f, 0.3f], [1.1f, 1.5f], [-0.2f, 0.9f]];
        var options = new MelCepstralDistortionOptions { Coefficients = 2 };

        MelCepstralDistortionResult result = MelCepstralDistortion.Compute(
            Mel(4, 3, (n, t) => reference[n][t]), Mel(4, 2, (n, t) => candidate[n][t]), options);

        Assert.Equal(0.5183083758841293, result.PathCost, 1e-5);
        Assert.Equal(3, result.PathLength);
        Assert.Equal(1.0611243523596792, result.Decibels, 1e-5);
        Assert.Equal(10 / Math.Log(10) * Math.Sqrt(2) * result.PathCost / 3, result.Decibels, 1e-12);
        Assert.Equal(3, result.ReferenceFrames);
        Assert.Equal(2, result.CandidateFrames);
    }

    [Fact]
    public void Cepstrum_OneFrame_MatchesReferenceScript()
    {
        float[] frame = [0.0f, 0.5f, 1.0f, -0.5f];
        var cepstrum = new float[2];

        MelCepstralDistortion.Cepstrum(frame, cepstrum);

        Assert.Equal(0.06764951251827464, cepstrum[0], 1e-6);
        Assert.Equal(-0.3535533905932738, cepstrum[1], 1e-6);
    }

    [Fact]
    public void Cepstrum_ConstantFrame_IsZero()
    {
        float[] frame = [.. Enumerable.Repeat(-3.5f, 100)];
        var cepstrum = new float[13];

        MelCepstralDistortion.Cepstrum(frame, cepstrum);

        Assert.All(cepstrum, c => Assert.Equal(0, c, 1e-6));
    }

    [Fact]
    public void FrameLevels_DoubleMagnitudeInEveryBand_IsSixDecibelsLouder()
    {
        LogMel mel = Mel(100, 2, (n, t) => (0.01f * n) + (t * MathF.Log(2)));

        float[] levels = MelCepstralDistortion.FrameLevels(mel);

        Assert.Equal(20 * Math.Log10(2), levels[1] - levels[0], 1e-4);
    }

    [Fact]
    public void TrimmedFrames_QuietEdges_AreDroppedButQuietMiddleIsKept()
    {
        // Levels: frames 0–1 and 7 are 50 dB below the loud frames (ln(10^2.5) nepers lower), frame 4 is 50 dB below but inside.
        float quiet = -(float)Math.Log(Math.Pow(10, 2.5));
        bool[] loud = [false, false, true, true, false, true, true, false];
        LogMel mel = Mel(100, loud.Length, (n, t) => loud[t] ? 0f : quiet);

        (int start, int count) = MelCepstralDistortion.TrimmedFrames(mel, 40);
        (int allStart, int allCount) = MelCepstralDistortion.TrimmedFrames(mel, 60);

        Assert.Equal((2, 5), (start, count));
        Assert.Equal((0, 8), (allStart, allCount));
    }

    [Fact]
    public void Compute_SilencePaddedCopy_IsZeroAfterTrim()
    {
        LogMel speech = Speech();
        const int Pad = 20;
        LogMel padded = Mel(speech.Bands, speech.Frames + (2 * Pad), (n, t) =>
            t < Pad || t >= Pad + speech.Frames ? MathF.Log(1e-7f) : speech[n, t - Pad]);

        MelCepstralDistortionResult trimmed = MelCepstralDistortion.Compute(speech, padded);
        MelCepstralDistortionResult untrimmed = MelCepstralDistortion.Compute(
            speech, padded, new MelCepstralDistortionOptions { TrimDecibels = double.PositiveInfinity });

        Assert.Equal(0.0, trimmed.Decibels, 1e-6);
        Assert.Equal(trimmed.ReferenceFrames, trimmed.CandidateFrames);
        Assert.True(untrimmed.Decibels > 0.1, $"untrimmed MCD {untrimmed.Decibels} dB");
        Assert.Equal(speech.Frames + (2 * Pad), untrimmed.CandidateFrames);
    }

    [Fact]
    public void Compute_NoFrames_Throws()
    {
        LogMel empty = new([], 100, 0);

        ArgumentException e = Assert.Throws<ArgumentException>(() => MelCepstralDistortion.Compute(empty, Speech()));

        Assert.Equal("reference", e.ParamName);
        Assert.Contains("no frames", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_BandCountMismatch_Throws()
    {
        LogMel eighty = Mel(80, 10, (n, t) => n + t);

        ArgumentException e = Assert.Throws<ArgumentException>(() => MelCepstralDistortion.Compute(Speech(), eighty));

        Assert.Equal("candidate", e.ParamName);
        Assert.Contains("80 mel bands", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_NaN_ThrowsAudioFormatExceptionNamingThePosition()
    {
        LogMel mel = Mel(100, 10, (n, t) => n == 7 && t == 3 ? float.NaN : 0.1f * t);

        AudioFormatException e = Assert.Throws<AudioFormatException>(() => MelCepstralDistortion.Compute(Speech(), mel));

        Assert.Contains("band 7, frame 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_TooFewBandsForTheCoefficients_Throws()
    {
        LogMel mel = Mel(13, 5, (n, t) => n * t);

        Assert.Throws<ArgumentException>(() => MelCepstralDistortion.Compute(mel, mel));
    }

    [Fact]
    public void Compute_InvalidOptions_Throw()
    {
        LogMel speech = Speech();

        Assert.Throws<ArgumentNullException>(() => MelCepstralDistortion.Compute(null!, speech));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelCepstralDistortion.Compute(speech, speech, new MelCepstralDistortionOptions { Coefficients = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelCepstralDistortion.Compute(speech, speech, new MelCepstralDistortionOptions { TrimDecibels = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelCepstralDistortion.Compute(speech, speech, new MelCepstralDistortionOptions { TrimDecibels = double.NaN }));
    }

    [Fact]
    public void Cepstrum_BadDestination_Throws()
    {
        var frame = new float[4];

        Assert.Throws<ArgumentException>(() => MelCepstralDistortion.Cepstrum(frame, new float[4]));
        Assert.Throws<ArgumentException>(() => MelCepstralDistortion.Cepstrum(frame, Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => MelCepstralDistortion.Cepstrum(ReadOnlySpan<float>.Empty, new float[1]));
        Assert.Throws<AudioFormatException>(() => MelCepstralDistortion.Cepstrum([0f, float.PositiveInfinity, 0f], new float[1]));
    }
}
