using LeWm.Audio.Mel;
using LeWm.Model.Backends;
using LeWm.Model.Config;
using LeWm.Training.Preprocessing;
using LeWm.Training.Tests.Preprocessing;

namespace LeWm.Training.Tests.Integration;

/// <summary>
/// The integration test: a real (espeak-ng) Hindi corpus is generated, preprocessed and trained on for a
/// few hundred steps of a small configuration on the CPU. The training loss and the held-out reconstruction L1 must
/// fall well below their starting values, <c>best/</c> must load as a speech model, and an interrupted run resumed
/// from <c>last/</c> must repeat the uninterrupted run's loss curve.
/// </summary>
public sealed class EspeakTrainingIntegrationTests : IDisposable
{
    private static readonly LeWmConfig s_config = LeWmConfig.Tiny with
    {
        DModel = 64,
        Heads = 2,
        FfDim = 128,
        TextLayers = 1,
        AudioLayers = 1,
        PredictorLayers = 2,
        LatentSize = 32,
        DecoderChannels = 64,
        DecoderResBlocks = 1,
        DecoderRefineConvs = 1,
    };

    private readonly CorpusFolder _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public async Task PreprocessThenTrain_EspeakHindi_LossesFallBestLoadsAndResumeIsExact()
    {
        string? script = HindiCorpusScriptTests.FindRepositoryFile("scripts/make-hindi-corpus.sh");
        Assert.NotNull(script);
        Assert.True(HindiCorpusScriptTests.HasEspeak(), "espeak-ng is not installed: run ./test.sh, which installs it (apt-get install espeak-ng).");
        string raw = _folders.NewFolder("raw"), data = _folders.NewFolder("data");
        await HindiCorpusScriptTests.RunScriptAsync(script, raw, 24);
        PreprocessingSummary summary = await new Preprocessor(new PreprocessorOptions { InputDirectory = raw, OutputDirectory = data }).RunAsync();
        Assert.True(summary.Segments >= 70, $"expected about 75 segments, got {summary.Segments}");

        // Train: 240 steps, validating every 40.
        string output = _folders.NewFolder("run");
        var validation = new List<TrainingLossValues>();
        var losses = new List<double>();
        TrainingResult result = await new Trainer(Options(data, output, steps: 240)).RunAsync(new Progress(p =>
        {
            losses.Add(p.Losses.Total);
            if (p.Validation is not null)
            {
                validation.Add(p.Validation);
            }
        }));

        Assert.Equal(240, result.Steps);
        double firstLosses = losses.Take(10).Average(), lastLosses = losses.TakeLast(20).Average();
        Assert.True(lastLosses < 0.6 * firstLosses, $"training loss fell from {firstLosses:0.###} only to {lastLosses:0.###}");
        Assert.True(validation.Count >= 5);
        Assert.True(validation[^1].Recon < 0.6 * validation[0].Recon,
            $"validation reconstruction L1 fell from {validation[0].Recon:0.###} (step 40) only to {validation[^1].Recon:0.###}");

        // best/ loads as a speech model and reconstructs a held-out mel better than a model at step 0 would.
        Assert.NotNull(result.BestDirectory);
        using LeWmSpeechModel best = LeWmSpeechModel.Load(result.BestDirectory);
        LeWm.Training.Data.DatasetItem held = LeWm.Training.Data.ManifestDataset.Load(data, s_config).Validation[0];
        var mel = new LogMel(held.Mel.ToArray(), 100, held.Frames);
        LogMel reconstructed = best.DecodeLatents(best.EncodeAudio([mel]))[0];
        double l1 = Enumerable.Range(0, 100 * held.Frames).Average(i => Math.Abs(mel.Values[i] - reconstructed[i / held.Frames, i % held.Frames]));
        double silenceL1 = mel.Values.Average(v => Math.Abs(v - mel.Values.Average()));
        Assert.True(l1 < 0.8 * silenceL1, $"held-out L1 {l1:0.###} is not below 80 % of predicting the mean mel ({silenceL1:0.###})");

        // Resume: 30 steps straight vs 15, interrupted, then resumed to 30 — the same loss curve.
        string straight = _folders.NewFolder("straight"), interrupted = _folders.NewFolder("interrupted");
        var straightLosses = new List<double>();
        await new Trainer(Options(data, straight, steps: 30)).RunAsync(new Progress(p => straightLosses.Add(p.Losses.Total)));
        var resumedLosses = new List<double>();
        using (var stop = new CancellationTokenSource())
        {
            TrainingResult first = await new Trainer(Options(data, interrupted, steps: 30)).RunAsync(
                new Progress(p =>
                {
                    resumedLosses.Add(p.Losses.Total);
                    if (p.Step == 15)
                    {
                        stop.Cancel();
                    }
                }),
                stop.Token);
            Assert.True(first.Cancelled);
            Assert.Equal(15, first.Steps);
        }

        TrainingResult resumed = await new Trainer(Options(data, interrupted, steps: 30) with { Resume = true })
            .RunAsync(new Progress(p => resumedLosses.Add(p.Losses.Total)));
        Assert.Equal(30, resumed.Steps);
        Assert.Equal(straightLosses.Count, resumedLosses.Count);
        for (int i = 0; i < straightLosses.Count; i++)
        {
            Assert.True(Math.Abs(straightLosses[i] - resumedLosses[i]) <= 1e-4 * Math.Max(1, Math.Abs(straightLosses[i])),
                $"step {i + 1}: uninterrupted {straightLosses[i]:g6}, resumed {resumedLosses[i]:g6}");
        }
    }

    private static TrainerOptions Options(string data, string output, int steps) => new()
    {
        DataPath = data,
        OutputDirectory = output,
        Config = s_config,
        Steps = steps,
        BatchFrames = 1600,
        LearningRate = 2e-3,
        WarmupSteps = 20,
        ValidateEvery = 40,
        SaveEvery = 1000,
        LogEvery = 10,
        Seed = 7,
        TensorBoard = false,
    };

    /// <summary>Reports synchronously on the trainer's thread (ordering matters for the loss curve).</summary>
    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
