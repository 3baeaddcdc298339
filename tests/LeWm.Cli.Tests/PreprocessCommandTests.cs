using System.Text.Json;
using LeWm.Audio.Wav;

namespace LeWm.Cli.Tests;

public sealed class PreprocessCommandTests : IDisposable
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
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        return folder;
    }

    /// <summary>A one-speaker corpus of <paramref name="count"/> one-second tones with a .txt each.</summary>
    private string MakeCorpus(int count)
    {
        string folder = Path.Combine(NewFolder(), "speaker");
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++)
        {
            var samples = new float[22_050];
            for (int t = 0; t < samples.Length; t++)
            {
                samples[t] = 0.3f * MathF.Sin(2 * MathF.PI * (150 + (10 * i)) * t / 22_050f);
            }

            WavWriter.Write(Path.Combine(folder, $"item{i}.wav"), samples, 22_050);
            File.WriteAllText(Path.Combine(folder, $"item{i}.txt"), $"वाक्य {i}।");
        }

        return folder;
    }

    [Fact]
    public async Task Preprocess_Json_LastLineHasTotals()
    {
        string input = MakeCorpus(3);
        string output = Path.Combine(NewFolder(), "out");

        CliRun run = await CliRun.RunAsync("preprocess", "--input", input, "--output", output, "--json", "--jobs", "2");

        Assert.True(run.ExitCode == 0, run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal(3, root.GetProperty("segments").GetInt32());
        Assert.Equal(3.0 / 3600, root.GetProperty("hours").GetDouble(), 1e-6);
        Assert.Equal(0, root.GetProperty("skipped").GetInt32());
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "manifest.jsonl")).Length);
        Assert.Contains("preprocess: 3/3 recordings", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preprocess_Rerun_ReusesAndReportsSkippedAsWarnings()
    {
        string input = MakeCorpus(2);
        File.Copy(Path.Combine(input, "item0.wav"), Path.Combine(input, "orphan.wav"));
        string output = Path.Combine(NewFolder(), "out");
        CliRun first = await CliRun.RunAsync("preprocess", "-i", input, "-o", output);

        CliRun second = await CliRun.RunAsync("preprocess", "-i", input, "-o", output);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("preprocess: 2 recordings (2 reused) of 1 speaker(s) -> 2 segments", second.Output, StringComparison.Ordinal);
        Assert.Equal(
            "lewm: warning: skipped 'orphan.wav': no transcript: 'orphan.txt' is missing (and there is no metadata.csv)",
            second.Error.TrimEnd());
    }

    [Fact]
    public async Task Preprocess_MissingInput_ExitsWithOneLineError()
    {
        string input = Path.Combine(NewFolder(), "absent");

        CliRun run = await CliRun.RunAsync("preprocess", "--input", input, "--output", Path.Combine(NewFolder(), "out"));

        run.AssertOneLineError($"The corpus folder '{input}' does not exist.");
    }

    [Fact]
    public async Task Preprocess_NoUsableRecording_ExitsWithOneLineError()
    {
        string input = Path.Combine(NewFolder(), "speaker");
        Directory.CreateDirectory(input);
        File.WriteAllBytes(Path.Combine(input, "a.wav"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(input, "a.txt"), "टूटा।");
        string output = Path.Combine(NewFolder(), "out");

        CliRun run = await CliRun.RunAsync("preprocess", "--input", input, "--output", output);

        run.AssertOneLineError("No usable recordings in");
        Assert.False(File.Exists(Path.Combine(output, "manifest.jsonl")));
    }

    [Fact]
    public async Task Preprocess_OutputIsInput_ExitsWithOneLineError()
    {
        string input = MakeCorpus(1);

        CliRun run = await CliRun.RunAsync("preprocess", "--input", input, "--output", input);

        run.AssertOneLineError("is the input folder");
    }

    [Fact]
    public async Task Preprocess_ZeroJobs_ExitsWithOneLineError()
    {
        CliRun run = await CliRun.RunAsync("preprocess", "--input", NewFolder(), "--output", NewFolder(), "--jobs", "0");

        run.AssertOneLineError("--jobs must be between 1 and 1024 (got 0).");
    }

    [Fact]
    public async Task Preprocess_WithoutInput_ExitsWithOneLineError()
    {
        CliRun run = await CliRun.RunAsync("preprocess", "--output", NewFolder());

        run.AssertOneLineError("--input");
    }
}
