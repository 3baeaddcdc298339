using LeWm.Inference;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using LeWm.Training.Data;
using LeWm.Training.Preprocessing;
using static TorchSharp.torch;

namespace LeWm.Training.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly SyntheticCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    private static TrainerOptions Options(string data, string output, int steps) => new()
    {
        DataPath = data,
        OutputDirectory = output,
        Config = SyntheticCorpus.SmallConfig,
        Steps = steps,
        BatchFrames = 400,
        LearningRate = 3e-3,
        WarmupSteps = 5,
        ValidateEvery = 4,
        SaveEvery = 1000,
        LogEvery = 2,
        Seed = 42,
        Dataset = new ManifestDatasetOptions { ValidationItems = 3 },
    };

    private static async Task<(TrainingResult Result, List<double> Losses)> TrainAsync(TrainerOptions options, int cancelAfter = int.MaxValue)
    {
        var losses = new List<double>();
        using var cancellation = new CancellationTokenSource();
        var progress = new ActionProgress<TrainingProgress>(p =>
        {
            losses.Add(p.Losses.Total);
            if (p.Step == cancelAfter)
            {
                cancellation.Cancel();
            }
        });
        TrainingResult result = await new Trainer(options).RunAsync(progress, cancellation.Token);
        return (result, losses);
    }

    [Fact]
    public async Task RunAsync_ShortRun_LossFallsAndWritesCheckpoints()
    {
        string data = _corpus.Write(20);
        string output = _corpus.NewFolder();

        (TrainingResult result, List<double> losses) = await TrainAsync(Options(data, output, 60) with { ValidateEvery = 20 });

        Assert.Equal(60, result.Steps);
        Assert.False(result.Cancelled);
        Assert.True(losses.TakeLast(10).Average() < 0.7 * losses.Take(5).Average(), $"first {losses.Take(5).Average()}, last {losses.TakeLast(10).Average()}");
        Assert.Equal(losses[0], result.FirstLoss, 6);
        Assert.NotNull(result.BestValidationLoss);
        Assert.True(result.StepsPerSecond > 0 && result.FramesPerSecond > 0);
        Assert.InRange(result.DataWaitShare, 0.0, 1.0);
        (LeWmNetwork best, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(Path.Combine(output, "best"));
        best.Dispose();
        Assert.Equal("voice0", Assert.Single(info.Speakers).Name);
        Assert.Equal(TextNormalizer.Version, info.TextNormalizerVersion);
        Assert.Equal(TextNormalizer.Version, LeWmCheckpoint.ReadInfo(Path.Combine(output, "last")).TextNormalizerVersion);
        foreach (string file in new[] { "config.json", "model.safetensors", "trainer_state.json", "optimizer.bin", "rng_state.bin" })
        {
            Assert.True(File.Exists(Path.Combine(output, "last", file)), file);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "tensorboard"), "events.out.tfevents.*"));
    }

    [Fact]
    public async Task RunAsync_InterruptedAndResumed_RepeatsUninterruptedRun()
    {
        string data = _corpus.Write(12, speakers: 2);
        string straight = _corpus.NewFolder();
        string interrupted = _corpus.NewFolder();

        (TrainingResult full, List<double> fullLosses) = await TrainAsync(Options(data, straight, 16));
        (TrainingResult half, List<double> firstHalf) = await TrainAsync(Options(data, interrupted, 16), cancelAfter: 8);

        Assert.True(half.Cancelled);
        Assert.Equal(8, half.Steps);

        // A save killed mid-write leaves a temporary folder beside last/: resume must ignore and remove it.
        string leftover = Path.Combine(interrupted, ".last.tmp-deadbeef");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "model.safetensors"), "half-written");
        (TrainingResult resumed, List<double> secondHalf) = await TrainAsync(Options(data, interrupted, 16) with { Resume = true });

        Assert.False(Directory.Exists(leftover));
        Assert.Equal(16, resumed.Steps);
        Assert.Equal(8, resumed.StepsThisRun);
        Assert.Equal(full.FirstLoss, resumed.FirstLoss);
        Assert.Equal(fullLosses, firstHalf.Concat(secondHalf), new ToleranceComparer(1e-6));
        Assert.Equal(full.BestValidationLoss!.Value, resumed.BestValidationLoss!.Value, 6);
        AssertSameWeights(Path.Combine(straight, "last"), Path.Combine(interrupted, "last"));
    }

    [Fact]
    public async Task RunAsync_OutputHoldsAnotherModel_ThrowsClearError()
    {
        string data = _corpus.Write(6);
        string output = _corpus.NewFolder();
        await TrainAsync(Options(data, output, 2));

        var other = Options(data, output, 2) with { Config = SyntheticCorpus.SmallConfig with { DModel = 64 } };
        var e = await Assert.ThrowsAsync<TrainingOutputException>(() => new Trainer(other).RunAsync());
        Assert.Contains("another model's checkpoint", e.Message, StringComparison.Ordinal);

        var same = await Assert.ThrowsAsync<TrainingOutputException>(() => new Trainer(Options(data, output, 2)).RunAsync());
        Assert.Contains("--resume", same.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InitFrom_StartsFromCheckpointWeights()
    {
        string data = _corpus.Write(6);
        string first = _corpus.NewFolder();
        (TrainingResult pretrained, _) = await TrainAsync(Options(data, first, 20));
        string second = _corpus.NewFolder();

        (_, List<double> losses) = await TrainAsync(Options(data, second, 2) with { InitFrom = Path.Combine(first, "last") });

        Assert.True(losses[0] < pretrained.FirstLoss, $"{losses[0]} vs {pretrained.FirstLoss}");
    }

    [Fact]
    public async Task RunAsync_ResumeWithoutCheckpoint_ThrowsClearError()
    {
        string data = _corpus.Write(4);

        var e = await Assert.ThrowsAsync<TrainingOutputException>(() => new Trainer(Options(data, _corpus.NewFolder(), 2) with { Resume = true }).RunAsync());

        Assert.Contains("Nothing to resume", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EvaluationSet_RefusesToTrainOnHeldOutItems()
    {
        string data = _corpus.NewFolder();
        File.WriteAllText(Path.Combine(data, Manifest.FileName), string.Empty);
        File.WriteAllText(Path.Combine(data, Preprocessor.SummaryFileName), "{ \"purpose\": \"evaluation\" }");

        var e = await Assert.ThrowsAsync<TrainingDataException>(() => new Trainer(Options(data, _corpus.NewFolder(), 2)).RunAsync());

        Assert.Contains("evaluation set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EmptyData_ThrowsClearError()
    {
        string data = _corpus.NewFolder();
        File.WriteAllText(Path.Combine(data, Manifest.FileName), string.Empty);

        var e = await Assert.ThrowsAsync<TrainingDataException>(() => new Trainer(Options(data, _corpus.NewFolder(), 2)).RunAsync());

        Assert.Contains("no items", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BadOptions_ListsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new Trainer(Options("d", "o", 0) with { BatchFrames = 0, LearningRate = -1 }));

        Assert.Contains("steps", e.Message, StringComparison.Ordinal);
        Assert.Contains("batch frames", e.Message, StringComparison.Ordinal);
        Assert.Contains("learning rate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyLossWeights_PredictionInputNoiseOverride_ReplacesTheConfigurationsOnlyWhenGiven()
    {
        LeWmConfig config = LeWmConfig.Tiny with { PredictionInputNoise = 0.05 };

        Assert.Equal(0.2, (Options("d", "o", 1) with { PredictionInputNoise = 0.2 }).ApplyLossWeights(config).PredictionInputNoise);
        Assert.Equal(0.05, Options("d", "o", 1).ApplyLossWeights(config).PredictionInputNoise);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(Options("d", "o", 1) with { PredictionInputNoise = -0.1 }));
        Assert.Contains("prediction input noise", e.Message, StringComparison.Ordinal);
    }

    private static void AssertSameWeights(string first, string second)
    {
        (LeWmNetwork a, _) = LeWmCheckpoint.Load(first);
        (LeWmNetwork b, _) = LeWmCheckpoint.Load(second);
        using (a)
        using (b)
        using (NewDisposeScope())
        {
            Dictionary<string, Tensor> right = b.state_dict();
            foreach ((string key, Tensor value) in a.state_dict())
            {
                double difference = value.sub(right[key]).abs().max().item<float>();
                Assert.True(difference <= 1e-6, $"{key} differs by {difference}");
            }
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1.0, Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}
