using System.Globalization;
using System.Text.Json;
using LeWm.Audio.IO;
using LeWm.Training.Data;

namespace LeWm.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (string folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string NewFolder()
    {
        string folder = CliRun.TempPath(string.Empty);
        _folders.Add(folder);
        return folder;
    }

    /// <summary>A tiny corpus: a few items of 30–60 frames with a structured mel.</summary>
    private string WriteCorpus(int count)
    {
        string folder = NewFolder();
        Directory.CreateDirectory(folder);
        var entries = new List<ManifestEntry>();
        for (int i = 0; i < count; i++)
        {
            int frames = 30 + (i * 7 % 31);
            var mel = new float[100 * frames];
            for (int band = 0; band < 100; band++)
            {
                for (int t = 0; t < frames; t++)
                {
                    mel[(band * frames) + t] = (float)(-4 + Math.Sin((0.1 * band) + (0.3 * t * (1 + (i % 2)))));
                }
            }

            string id = string.Create(CultureInfo.InvariantCulture, $"item{i}");
            NpyFile.Write(Path.Combine(folder, id + ".npy"), mel, 100, frames);
            entries.Add(new ManifestEntry(id, $"text number {i}", "speaker", id + ".wav", id + ".npy", frames, frames / 93.75));
        }

        Manifest.Write(Path.Combine(folder, Manifest.FileName), entries);
        return folder;
    }

    [Fact]
    public async Task Train_TinyFewSteps_JsonHasStepsLossesAndSeconds()
    {
        string data = WriteCorpus(5);
        string output = NewFolder();

        CliRun run = await CliRun.RunAsync("train", "--data", data, "--output", output, "--preset", "tiny", "--steps", "3",
            "--batch-frames", "200", "--validate-every", "2", "--warmup-steps", "1", "--seed", "3", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal(3, root.GetProperty("steps").GetInt32());
        Assert.True(root.GetProperty("first_loss").GetDouble() > 0);
        Assert.True(root.GetProperty("final_loss").GetDouble() > 0);
        Assert.True(root.GetProperty("best_val_loss").GetDouble() > 0);
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.True(File.Exists(Path.Combine(output, "last", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "best", "config.json")));
        Assert.Contains("step 3/3", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_OutputHoldsAnotherModel_OneLineErrorExit2()
    {
        string data = WriteCorpus(3);
        string output = NewFolder();
        CliRun init = await CliRun.RunAsync("init", "--preset", "base", "-o", Path.Combine(output, "last"));
        Assert.Equal(0, init.ExitCode);

        CliRun run = await CliRun.RunAsync("train", "--data", data, "--output", output, "--preset", "tiny", "--steps", "1");

        run.AssertOneLineError("another model's checkpoint");
    }

    [Fact]
    public async Task Train_NoManifest_OneLineErrorExit2()
    {
        string data = NewFolder();
        Directory.CreateDirectory(data);

        CliRun run = await CliRun.RunAsync("train", "--data", data, "--output", NewFolder(), "--preset", "tiny", "--steps", "1");

        run.AssertOneLineError("manifest.jsonl");
    }

    [Fact]
    public async Task Train_BadManifestLine_OneLineErrorExit2()
    {
        string data = WriteCorpus(2);
        File.AppendAllText(Path.Combine(data, Manifest.FileName), "not json\n");

        CliRun run = await CliRun.RunAsync("train", "--data", data, "--output", NewFolder(), "--preset", "tiny", "--steps", "1");

        run.AssertOneLineError("manifest.jsonl:3");
    }

    [Fact]
    public async Task Train_EpochsAndSteps_OneLineErrorExit2()
    {
        CliRun run = await CliRun.RunAsync("train", "--data", NewFolder(), "--output", NewFolder(), "--epochs", "1", "--steps", "1");

        run.AssertOneLineError("--epochs or --steps");
    }
}
