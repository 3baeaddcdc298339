using System.Text.Json;
using LeWm.Audio.Wav;

namespace LeWm.Cli.Tests;

public sealed class EvalCommandTests(TinyCheckpointFixture checkpoint) : IClassFixture<TinyCheckpointFixture>, IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (string folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Preprocesses a one-speaker corpus of <paramref name="count"/> gliding tones (0.9 s, 22.05 kHz) and returns its folder.</summary>
    private async Task<string> MakeCorpusAsync(int count)
    {
        string root = CliRun.TempPath(string.Empty);
        _folders.Add(root);
        string input = Path.Combine(root, "raw", "speaker");
        Directory.CreateDirectory(input);
        const int Rate = 22_050;
        for (int i = 0; i < count; i++)
        {
            var samples = new float[(int)(0.9 * Rate)];
            double phase = 0;
            for (int t = 0; t < samples.Length; t++)
            {
                phase += 2 * Math.PI * (120 + (15 * i) + (40.0 * t / samples.Length)) / Rate;
                samples[t] = (float)((0.3 * Math.Sin(phase)) + (0.1 * Math.Sin(3 * phase)));
            }

            WavWriter.Write(Path.Combine(input, $"item{i}.wav"), samples, Rate);
            File.WriteAllText(Path.Combine(input, $"item{i}.txt"), $"वाक्य {i}।");
        }

        string output = Path.Combine(root, "corpus");
        CliRun run = await CliRun.RunAsync("preprocess", "--input", input, "--output", output, "--jobs", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        return output;
    }

    private static void AssertNumbersFinite(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    AssertNumbersFinite(property.Value, $"{path}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement child in element.EnumerateArray())
                {
                    AssertNumbersFinite(child, $"{path}[{index++}]");
                }

                break;
            case JsonValueKind.Number:
                Assert.True(double.IsFinite(element.GetDouble()), $"{path} = {element.GetRawText()}");
                break;
        }
    }

    [Fact]
    public async Task Eval_TinyModelOnCorpus_JsonHasFiniteScoresForEveryRendering()
    {
        string corpus = await MakeCorpusAsync(3);

        CliRun run = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", corpus, "--limit", "5", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        JsonElement root = json.RootElement;
        AssertNumbersFinite(root, "$");
        Assert.Equal("validation", root.GetProperty("split").GetString());
        Assert.Equal(1, root.GetProperty("held_out_items").GetInt32()); // 5 % of 3 items, at least one
        Assert.Equal(1, root.GetProperty("items_evaluated").GetInt32());
        foreach (string name in new[] { "synthesized", "predicted", "reconstructed", "griffin_lim" })
        {
            Assert.True(root.GetProperty($"{name}_mcd_db").GetDouble() > 0, name);
            Assert.True(root.GetProperty($"{name}_duration_ratio").GetDouble() > 0, name);
        }

        Assert.True(root.GetProperty("realtime_factor").GetDouble() > 0);
        JsonElement item = Assert.Single(root.GetProperty("items").EnumerateArray());
        Assert.StartsWith("item", item.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(0.9, item.GetProperty("reference_seconds").GetDouble(), 0.01);
        Assert.Equal(root.GetProperty("griffin_lim_mcd_db").GetDouble(), item.GetProperty("griffin_lim_mcd_db").GetDouble(), 1e-6);

        // Griffin-Lim keeps the reference's length; the autoencoder renders whole latents of it.
        Assert.Equal(1.0, item.GetProperty("griffin_lim_duration_ratio").GetDouble(), 0.1);
        Assert.Equal(0.9, item.GetProperty("reconstructed_seconds").GetDouble(), 0.05);
        Assert.Contains("eval: 1/1 item", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_OnnxExportOfTheModel_ScoresLikeTheCheckpoint()
    {
        string corpus = await MakeCorpusAsync(3);
        string exported = CliRun.TempPath(string.Empty);
        CliRun export = await CliRun.RunAsync("export", "onnx", "--model", checkpoint.Model, "-o", exported);
        Assert.True(export.ExitCode == 0, export.Error);

        CliRun torch = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", corpus, "--json");
        CliRun onnx = await CliRun.RunAsync("eval", "--model", exported, "--data", corpus, "--json");

        Assert.True(torch.ExitCode == 0, torch.Error);
        Assert.True(onnx.ExitCode == 0, onnx.Error);
        using JsonDocument torchJson = JsonDocument.Parse(torch.Output.TrimEnd().Split('\n')[^1]);
        using JsonDocument onnxJson = JsonDocument.Parse(onnx.Output.TrimEnd().Split('\n')[^1]);
        Assert.Equal(torchJson.RootElement.GetProperty("items_evaluated").GetInt32(), onnxJson.RootElement.GetProperty("items_evaluated").GetInt32());

        // Same weights, same items: the backends agree to float32 rounding (≤ 1e-4 in the latents), far below 0.05 dB.
        foreach (string name in new[] { "predicted", "reconstructed", "griffin_lim" })
        {
            Assert.Equal(torchJson.RootElement.GetProperty($"{name}_mcd_db").GetDouble(), onnxJson.RootElement.GetProperty($"{name}_mcd_db").GetDouble(), 0.05);
        }
    }

    [Fact]
    public async Task Eval_TemperatureWithASeed_RepeatsItsFiguresAndDiffersFromGreedySynthesis()
    {
        string corpus = await MakeCorpusAsync(3);

        CliRun greedy = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", corpus, "--json");
        CliRun first = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", corpus, "--temperature", "0.5", "--seed", "7", "--json");
        CliRun second = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", corpus, "--temperature", "0.5", "--seed", "7", "--json");

        Assert.True(greedy.ExitCode == 0, greedy.Error);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        static JsonElement Root(CliRun run)
        {
            using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
            return json.RootElement.Clone();
        }

        JsonElement greedyRoot = Root(greedy), firstRoot = Root(first), secondRoot = Root(second);
        Assert.Equal(0.0, greedyRoot.GetProperty("temperature").GetDouble());
        Assert.Equal(0.5, firstRoot.GetProperty("temperature").GetDouble());
        Assert.Equal(firstRoot.GetProperty("synthesized_mcd_db").GetDouble(), secondRoot.GetProperty("synthesized_mcd_db").GetDouble());
        Assert.NotEqual(greedyRoot.GetProperty("synthesized_mcd_db").GetDouble(), firstRoot.GetProperty("synthesized_mcd_db").GetDouble());

        // Sampling changes only the autoregressive rendering.
        Assert.Equal(greedyRoot.GetProperty("predicted_mcd_db").GetDouble(), firstRoot.GetProperty("predicted_mcd_db").GetDouble(), 1e-9);
    }

    [Theory]
    [InlineData("-0.1")]
    [InlineData("11")]
    public async Task Eval_TemperatureOutOfRange_ExitsTwo(string temperature)
    {
        CliRun run = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", Path.GetTempPath(), "--temperature", temperature);

        run.AssertOneLineError("--temperature must be between 0 and 10");
    }

    [Fact]
    public async Task Eval_WithoutJson_PrintsTheTable()
    {
        string corpus = await MakeCorpusAsync(3);

        CliRun run = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", corpus);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Evaluated 1 of 1 held-out (validation) items", run.Output, StringComparison.Ordinal);
        Assert.Contains("griffin-lim of reference", run.Output, StringComparison.Ordinal);
        Assert.Contains("× real time", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_MissingDataFolder_ExitsTwo()
    {
        string missing = CliRun.TempPath(string.Empty);

        CliRun run = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", missing, "--json");

        run.AssertOneLineError($"The data folder '{missing}' does not exist.");
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public async Task Eval_MissingModelFolder_ExitsTwo()
    {
        string corpus = await MakeCorpusAsync(2);
        string missing = CliRun.TempPath(string.Empty);

        CliRun run = await CliRun.RunAsync("eval", "--model", missing, "--data", corpus);

        run.AssertOneLineError($"The model folder '{missing}' does not exist.");
    }

    [Fact]
    public async Task Eval_OneItemCorpus_HasNoHeldOutItemsAndExitsTwo()
    {
        string corpus = await MakeCorpusAsync(1);

        CliRun run = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", corpus);

        run.AssertOneLineError("has no held-out items");
    }

    [Fact]
    public async Task Eval_ZeroLimit_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("eval", "--model", checkpoint.Model, "--data", Path.GetTempPath(), "--limit", "0");

        run.AssertOneLineError("--limit must be at least 1");
    }
}
