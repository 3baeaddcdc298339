using LeWm.Audio;

namespace LeWm.Inference.Tests.Engine;

/// <summary>The engine end to end on a random-weight tiny model (TorchSharp backend) with Griffin-Lim or a small Vocos.</summary>
public sealed class TtsEngineTests
{
    [Fact]
    public async Task SynthesizeAsync_ExactLength_ProducesThatManyFramesOfAudio()
    {
        await using TtsEngine engine = EngineFixture.Engine(EngineFixture.SmallVocos());
        SpeechResult result = await engine.SynthesizeAsync("namaste duniya", new SynthesisOptions { ExactLatentFrames = 20 });

        Assert.Equal(20, result.LatentFrames);
        Assert.Equal(24_000, result.SampleRate);
        Assert.Equal(engine.Vocoder.OutputLength(20 * 4), result.Samples.Length);
        Assert.False(result.StoppedByModel);
        Assert.All(result.Samples, s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public async Task SynthesizeAsync_StopHeadNeverFires_StopsAtTheLengthCap()
    {
        await using TtsEngine engine = EngineFixture.Engine();
        SpeechResult result = await engine.SynthesizeAsync("abc");
        Assert.Equal(engine.Model.LengthCap(3), result.LatentFrames);
        Assert.False(result.StoppedByModel);
    }

    [Fact]
    public async Task StreamAsync_WithVocos_ConcatenatesToTheOneShotAudio()
    {
        await using TtsEngine engine = EngineFixture.Engine(EngineFixture.SmallVocos(), options: new TtsEngineOptions { StreamChunkLatents = 4 });
        var options = new SynthesisOptions { ExactLatentFrames = 45, Seed = 3 };
        SpeechResult oneShot = await engine.SynthesizeAsync("streaming test sentence", options);

        var streamed = new List<float>();
        int chunks = 0;
        long expectedOffset = 0;
        await foreach (AudioChunk chunk in engine.StreamAsync("streaming test sentence", options))
        {
            Assert.Equal(expectedOffset, chunk.Offset);
            expectedOffset += chunk.Samples.Length;
            streamed.AddRange(chunk.Samples);
            chunks++;
        }

        Assert.True(chunks >= 5, $"expected several chunks, got {chunks}");
        float peak = oneShot.Samples.Max(Math.Abs);
        Assert.True(EngineFixture.MaxAbsDifference(oneShot.Samples, [.. streamed]) <= 1e-4f * Math.Max(1f, peak));
    }

    [Fact]
    public async Task StreamAsync_WithGriffinLim_StaysCloseToOneShotInLevel()
    {
        // Griffin-Lim estimates phase iteratively per window, so streamed samples cannot equal one-shot samples; the
        // documented bound is on the level: the streamed RMS is within 3 dB of the one-shot RMS, same length.
        await using TtsEngine engine = EngineFixture.Engine();
        var options = new SynthesisOptions { ExactLatentFrames = 40 };
        SpeechResult oneShot = await engine.SynthesizeAsync("griffin lim", options);
        var streamed = new List<float>();
        await foreach (AudioChunk chunk in engine.StreamAsync("griffin lim", options))
        {
            streamed.AddRange(chunk.Samples);
        }

        Assert.Equal(oneShot.Samples.Length, streamed.Count);
        double Rms(IEnumerable<float> x) => Math.Sqrt(x.Average(v => (double)v * v));
        double ratioDb = 20 * Math.Log10(Rms(streamed) / Rms(oneShot.Samples));
        Assert.InRange(ratioDb, -3, 3);
    }

    [Fact]
    public async Task SynthesizeBatchAsync_EqualsOneRequestAtATime()
    {
        string[] texts = ["first", "a second and longer text", "third"];
        var options = new SynthesisOptions { ExactLatentFrames = 12 };
        await using TtsEngine engine = EngineFixture.Engine(EngineFixture.SmallVocos());
        IReadOnlyList<SpeechResult> batch = await engine.SynthesizeBatchAsync(texts, options);
        for (int i = 0; i < texts.Length; i++)
        {
            SpeechResult alone = await engine.SynthesizeAsync(texts[i], options);
            Assert.True(EngineFixture.MaxAbsDifference(alone.Samples, batch[i].Samples) <= 1e-4f, $"text {i}");
        }
    }

    [Fact]
    public async Task ConcurrentGoodAndBadCalls_BadOnesFailAlone()
    {
        await using TtsEngine engine = EngineFixture.Engine(options: new TtsEngineOptions { MaxBatchWait = TimeSpan.FromMilliseconds(20) });
        var options = new SynthesisOptions { ExactLatentFrames = 6 };
        Task<SpeechResult>[] good = [.. Enumerable.Range(0, 4).Select(i => engine.SynthesizeAsync($"good {i}", options))];
        Task<SpeechResult> empty = engine.SynthesizeAsync("   ", options);
        Task<SpeechResult> badSpeaker = engine.SynthesizeAsync("x", options with { Speaker = 3 });
        Task<SpeechResult> surrogate = engine.SynthesizeAsync("bad \ud800 text", options);

        await Assert.ThrowsAsync<ArgumentException>(() => empty);
        await Assert.ThrowsAsync<ArgumentException>(() => badSpeaker);
        await Assert.ThrowsAsync<ArgumentException>(() => surrogate);
        foreach (SpeechResult result in await Task.WhenAll(good))
        {
            Assert.Equal(6, result.LatentFrames);
        }
    }

    [Fact]
    public async Task SynthesizeAsync_Cancelled_ThrowsAndEngineKeepsWorking()
    {
        await using TtsEngine engine = EngineFixture.Engine();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.SynthesizeAsync("cancel me", new SynthesisOptions { ExactLatentFrames = 200 }, cancel.Token));
        SpeechResult after = await engine.SynthesizeAsync("still here", new SynthesisOptions { ExactLatentFrames = 5 });
        Assert.Equal(5, after.LatentFrames);
    }

    [Fact]
    public async Task SynthesizeAsync_TextLongerThanOneRun_IsSplitAndJoinedWithPauses()
    {
        await using TtsEngine engine = EngineFixture.Engine();
        int maxBytes = engine.Model.MaxTextBytes;
        string sentence = new string('a', (maxBytes / 2) + 10) + ".";
        var options = new SynthesisOptions { ExactLatentFrames = 8, SentencePause = TimeSpan.FromMilliseconds(100) };
        SpeechResult result = await engine.SynthesizeAsync(sentence + " " + sentence + " " + sentence, options);

        Assert.Equal(3 * 8, result.LatentFrames);
        int oneRun = engine.Vocoder.OutputLength(32);
        Assert.Equal((3 * oneRun) + (2 * 2400), result.Samples.Length);
    }

    [Fact]
    public async Task SynthesizeAsync_TooLongOrBadOptions_ThrowsNamingTheLimit()
    {
        await using TtsEngine engine = EngineFixture.Engine(options: new TtsEngineOptions { MaxTextCharacters = 50 });
        ArgumentException tooLong = await Assert.ThrowsAsync<ArgumentException>(() => engine.SynthesizeAsync(new string('x', 51)));
        Assert.Contains("at most 50", tooLong.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.SynthesizeAsync("x", new SynthesisOptions { Speed = 10 }));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.SynthesizeAsync("x", new SynthesisOptions { OutputSampleRate = 12_345 }));
    }

    [Fact]
    public async Task SynthesizeAsync_SpeedAndOutputRate_ScaleLengthAndResample()
    {
        await using TtsEngine engine = EngineFixture.Engine();
        SpeechResult fast = await engine.SynthesizeAsync("speed", new SynthesisOptions { ExactLatentFrames = 20, Speed = 2 });
        Assert.Equal(10, fast.LatentFrames);
        SpeechResult telephone = await engine.SynthesizeAsync("rate", new SynthesisOptions { ExactLatentFrames = 20, OutputSampleRate = 8_000 });
        Assert.Equal(8_000, telephone.SampleRate);
        Assert.InRange(telephone.Samples.Length, (engine.Vocoder.OutputLength(80) / 3) - 2, (engine.Vocoder.OutputLength(80) / 3) + 2);
    }

    [Fact]
    public async Task SynthesizeAsync_SameSeedAndTemperature_IsReproducible()
    {
        // Same seed: equal up to float rounding of the CPU kernels (≤ 1e-5); another seed: audibly different (> 1e-3).
        await using TtsEngine engine = EngineFixture.Engine(EngineFixture.SmallVocos());
        var options = new SynthesisOptions { ExactLatentFrames = 10, Temperature = 0.3, Seed = 42 };
        SpeechResult a = await engine.SynthesizeAsync("seeded", options);
        SpeechResult b = await engine.SynthesizeAsync("seeded", options);
        SpeechResult c = await engine.SynthesizeAsync("seeded", options with { Seed = 43 });
        Assert.True(EngineFixture.MaxAbsDifference(a.Samples, b.Samples) <= 1e-5f);
        Assert.True(EngineFixture.MaxAbsDifference(a.Samples, c.Samples) > 1e-3f);
    }

    [Fact]
    public async Task VoicePrompt_TooShortOrSilent_IsRefused_AndAGoodOneRoundTrips()
    {
        await using TtsEngine engine = EngineFixture.Engine();
        Assert.Contains("0.5 s", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateVoicePromptAsync(EngineFixture.Tone(0.3)))).Message, StringComparison.Ordinal);
        Assert.Contains("silent", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateVoicePromptAsync(new AudioClip(new float[24_000], 24_000)))).Message, StringComparison.Ordinal);

        VoicePrompt prompt = await engine.CreateVoicePromptAsync(EngineFixture.Tone(1.0, sampleRate: 16_000));
        Assert.Equal((int)Math.Ceiling((1 + (24_000 / 256)) / 4.0), prompt.Latents.Frames);
        string path = Path.Combine(Path.GetTempPath(), $"prompt-{Guid.NewGuid():N}.json");
        try
        {
            prompt.Save(path);
            VoicePrompt loaded = VoicePrompt.Load(path);
            Assert.Equal(prompt.Latents.Values, loaded.Latents.Values);
            var options = new SynthesisOptions { ExactLatentFrames = 10 };
            SpeechResult plain = await engine.SynthesizeAsync("prompted", options);
            SpeechResult prompted = await engine.SynthesizeAsync("prompted", options with { VoicePrompt = loaded });
            Assert.Equal(plain.Samples.Length, prompted.Samples.Length);
            Assert.NotEqual(plain.Samples, prompted.Samples);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReconstructAndPredict_ReturnAudioOfTheInputsLength()
    {
        await using TtsEngine engine = EngineFixture.Engine(EngineFixture.SmallVocos());
        AudioClip clip = EngineFixture.Tone(1.0);
        int melFrames = 1 + (clip.Length / 256);
        int latentFrames = (melFrames + 3) / 4;
        SpeechResult reconstructed = await engine.ReconstructAsync(clip);
        SpeechResult predicted = await engine.PredictAsync(clip, "a tone");
        Assert.Equal(latentFrames, reconstructed.LatentFrames);
        Assert.Equal(engine.Vocoder.OutputLength(latentFrames * 4), reconstructed.Samples.Length);
        Assert.Equal(reconstructed.Samples.Length, predicted.Samples.Length);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.PredictAsync(clip, " "));
    }

    [Fact]
    public async Task Build_VocoderOfAnotherSampleRate_ThrowsNamingBoth()
    {
        var vocoder = new GriffinLimVocoder(melOptions: new LeWm.Audio.Mel.MelOptions { SampleRate = 22_050 });
        LeWmException error = Assert.Throws<LeWmException>(() => EngineFixture.Engine(vocoder));
        Assert.Contains("22050 Hz", error.Message, StringComparison.Ordinal);
        Assert.Contains("24000 Hz", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Build_WithoutModel_TellsWhatToCall()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => TtsEngine.CreateBuilder().Build());
        Assert.Contains("UseModel", error.Message, StringComparison.Ordinal);
    }
}
