using System.Globalization;
using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Audio.Mel;
using LeWm.Audio.Wav;
using LeWm.Inference;
using LeWm.Model.Config;
using LeWm.Training.Data;
using LeWm.Training.Evaluation;
using LeWm.Training.Preprocessing;

namespace LeWm.Training.Tests.Evaluation;

public sealed class CorpusEvaluatorTests : IDisposable
{
    private readonly SyntheticCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    /// <summary>Writes <paramref name="count"/> items of 0.5–0.8 s tones at 24 kHz with their Vocos mels and returns the folder.</summary>
    private string WriteCorpus(int count, out Dictionary<string, float[]> audioByText, Func<int, string>? speakerOf = null)
    {
        string folder = _corpus.NewFolder();
        var front = new MelSpectrogram();
        var entries = new List<ManifestEntry>();
        audioByText = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            const int Rate = 24_000;
            var samples = new float[(int)((0.5 + (0.1 * (i % 4))) * Rate)];
            for (int t = 0; t < samples.Length; t++)
            {
                samples[t] = (float)(0.3 * Math.Sin(2 * Math.PI * (110 + (20 * i)) * t / Rate) * Math.Sin(Math.PI * t / samples.Length));
            }

            string id = string.Create(CultureInfo.InvariantCulture, $"utt{i:D2}");
            // 32-bit float: the recording reads back bit-exact, so the echoed synthesis equals it (16-bit noise would
            // fill the tone's empty mel bands, which sit at the log floor in the unquantised copy).
            WavWriter.Write(Path.Combine(folder, id + ".wav"), samples, Rate, WavSampleFormat.IeeeFloat32);
            LogMel mel = front.Compute(samples);
            NpyFile.Write(Path.Combine(folder, id + ".npy"), mel.Values, mel.Bands, mel.Frames);
            string text = string.Create(CultureInfo.InvariantCulture, $"sentence number {i}");
            audioByText[text] = samples;
            entries.Add(new ManifestEntry(id, text, speakerOf?.Invoke(i) ?? "asha", id + ".wav", id + ".npy", mel.Frames, (double)samples.Length / Rate));
        }

        Manifest.Write(Path.Combine(folder, Manifest.FileName), entries);
        return folder;
    }

    [Fact]
    public async Task EvaluateAsync_EngineThatReturnsTheRecordings_ScoresZeroAndUnitDurationExceptGriffinLim()
    {
        string data = WriteCorpus(8, out Dictionary<string, float[]> audio);
        using var engine = new EchoEngine(audio, sampleRate: 24_000);
        var reported = new List<EvaluationProgress>();

        CorpusEvaluation result = await CorpusEvaluator.EvaluateAsync(
            engine, LeWmConfig.Tiny, data, new CorpusEvaluatorOptions { MaxItems = 5, Dataset = new ManifestDatasetOptions { ValidationItems = 3 } },
            new ActionProgress<EvaluationProgress>(reported.Add));

        Assert.Equal("validation", result.Split);
        Assert.Equal(3, result.HeldOutItems);
        Assert.Equal(3, result.Items.Count);
        Assert.Equal([1, 2, 3], reported.Select(p => p.Completed));
        foreach (ItemEvaluation item in result.Items)
        {
            Assert.Null(item.SpeakerId);
            Assert.Equal("asha", item.Speaker);
            Assert.Equal(audio[item.Text].Length / 24_000.0, item.ReferenceSeconds, 1e-9);
            foreach (DistortionScore echoed in new[] { item.Synthesized, item.Predicted, item.Reconstructed })
            {
                Assert.Equal(0.0, echoed.MelCepstralDistortionDb, 1e-6);
                Assert.Equal(1.0, echoed.DurationRatio, 1e-9);
            }

            Assert.True(item.GriffinLim.MelCepstralDistortionDb > 0, $"{item.Id}: Griffin-Lim MCD {item.GriffinLim.MelCepstralDistortionDb}");
            Assert.True(item.SynthesisRealTimeFactor > 0);
        }

        Assert.Equal(0.0, result.Synthesized.MelCepstralDistortionDb, 1e-6);
        Assert.Equal(result.Items.Average(i => i.GriffinLim.MelCepstralDistortionDb), result.GriffinLim.MelCepstralDistortionDb, 1e-12);
    }

    [Fact]
    public async Task EvaluateAsync_AllItems_EvaluatesEveryItemOfAHeldOutCorpus()
    {
        string data = WriteCorpus(6, out Dictionary<string, float[]> audio);
        using var engine = new EchoEngine(audio, sampleRate: 24_000);

        CorpusEvaluation result = await CorpusEvaluator.EvaluateAsync(
            engine, LeWmConfig.Tiny, data, new CorpusEvaluatorOptions { MaxItems = 10, AllItems = true, Dataset = new ManifestDatasetOptions { ValidationItems = 2 } });

        Assert.Equal("all", result.Split);
        Assert.Equal(6, result.HeldOutItems);
        Assert.Equal(6, result.Items.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public async Task EvaluateAsync_CorpusPreprocessedAsEvaluationSet_EvaluatesEveryItemWithoutBeingAsked()
    {
        string data = WriteCorpus(6, out Dictionary<string, float[]> audio);
        File.WriteAllText(Path.Combine(data, Preprocessor.SummaryFileName), "{ \"purpose\": \"evaluation\" }");
        using var engine = new EchoEngine(audio, sampleRate: 24_000);

        CorpusEvaluation result = await CorpusEvaluator.EvaluateAsync(
            engine, LeWmConfig.Tiny, data, new CorpusEvaluatorOptions { MaxItems = 10, Dataset = new ManifestDatasetOptions { ValidationItems = 2 } });

        Assert.Equal("all", result.Split);
        Assert.Equal(6, result.Items.Count);
    }

    [Fact]
    public async Task EvaluateAsync_LimitBelowTheItemCount_SamplesEverySpeaker()
    {
        // Ids utt00–utt02 belong to asha and utt03–utt05 to bela: the first two ids are both asha's.
        string data = WriteCorpus(6, out Dictionary<string, float[]> audio, i => i < 3 ? "asha" : "bela");
        using var engine = new EchoEngine(audio, sampleRate: 24_000);

        CorpusEvaluation result = await CorpusEvaluator.EvaluateAsync(
            engine, LeWmConfig.Tiny, data, new CorpusEvaluatorOptions { MaxItems = 2, AllItems = true });

        Assert.Equal(["asha", "bela"], result.Items.Select(i => i.Speaker).Order(StringComparer.Ordinal));
        Assert.Equal(["utt00", "utt03"], result.Items.Select(i => i.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EvaluateAsync_EngineAt22050Hz_ThrowsNamingBothRates()
    {
        string data = WriteCorpus(3, out Dictionary<string, float[]> audio);
        using var engine = new EchoEngine(audio, sampleRate: 22_050);

        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(() => CorpusEvaluator.EvaluateAsync(engine, LeWmConfig.Tiny, data));

        Assert.Contains("22050 Hz", e.Message, StringComparison.Ordinal);
        Assert.Contains("24000 Hz", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_OneItemCorpus_ThrowsNoHeldOutItems()
    {
        string data = WriteCorpus(1, out Dictionary<string, float[]> audio);
        using var engine = new EchoEngine(audio, sampleRate: 24_000);

        TrainingDataException e = await Assert.ThrowsAsync<TrainingDataException>(() => CorpusEvaluator.EvaluateAsync(engine, LeWmConfig.Tiny, data));

        Assert.Contains("no held-out items", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_Cancelled_Throws()
    {
        string data = WriteCorpus(4, out Dictionary<string, float[]> audio);
        using var engine = new EchoEngine(audio, sampleRate: 24_000);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => CorpusEvaluator.EvaluateAsync(engine, LeWmConfig.Tiny, data, cancellationToken: cancellation.Token));
    }

    /// <summary>An engine that "synthesises" each text as its own recording and reconstructs or predicts a clip as itself.</summary>
    private sealed class EchoEngine(Dictionary<string, float[]> audioByText, int sampleRate) : ITtsEngine
    {
        public SpeechModelInfo Model { get; } = new(100, 16, 4, sampleRate, 256, 1024, 4096, 1.0, 8, [], "none");

        public int SampleRate => sampleRate;

        public Task<SpeechResult> SynthesizeAsync(string text, SynthesisOptions? options = null, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Result(audioByText[text]));
        }

        public Task<SpeechResult> ReconstructAsync(AudioClip clip, CancellationToken cancellationToken = default) =>
            Task.FromResult(Result(clip.Samples.ToArray()));

        public Task<SpeechResult> PredictAsync(AudioClip clip, string transcript, int? speaker = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(Result(clip.Samples.ToArray()));

        public Task<IReadOnlyList<SpeechResult>> SynthesizeBatchAsync(IReadOnlyList<string> texts, SynthesisOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<AudioChunk> StreamAsync(string text, SynthesisOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<VoicePrompt> CreateVoicePromptAsync(AudioClip clip, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public void Dispose()
        {
        }

        private SpeechResult Result(float[] samples)
        {
            // A little time passes, as it would in a real engine (the real-time factor stays finite).
            Thread.Sleep(1);
            return new SpeechResult(samples, sampleRate, 1, true, new SpeechTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(1)));
        }
    }
}
