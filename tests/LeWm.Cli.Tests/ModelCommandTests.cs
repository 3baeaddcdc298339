using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeWm.Cli.Tests;

public sealed class ModelCommandTests : IDisposable
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

    private static JsonElement LastJson(CliRun run)
    {
        using JsonDocument document = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        return document.RootElement.Clone();
    }

    private async Task<string> InitAsync(string preset, params string[] extra)
    {
        string folder = NewFolder();
        CliRun run = await CliRun.RunAsync(["init", "--preset", preset, "-o", folder, .. extra]);
        Assert.True(run.ExitCode == 0, run.Error);
        return folder;
    }

    [Fact]
    public async Task InitThenInfo_Base_ReportsAbout24MillionParameters()
    {
        string folder = await InitAsync("base", "--seed", "1");

        CliRun run = await CliRun.RunAsync("info", folder, "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        JsonElement json = LastJson(run);
        Assert.Equal("base", json.GetProperty("preset").GetString());
        Assert.Equal(1, json.GetProperty("format_version").GetInt32());
        Assert.Equal(256, json.GetProperty("d_model").GetInt32());
        JsonElement parameters = json.GetProperty("parameters");
        long total = parameters.GetProperty("total").GetInt64();
        Assert.InRange(total, 21_600_000, 26_400_000);
        Assert.Equal(23_824_997, total);
        long components = new[] { "text_encoder", "audio_encoder", "predictor", "mel_decoder" }
            .Sum(name => parameters.GetProperty(name).GetInt64());
        Assert.Equal(total, components);
    }

    [Fact]
    public async Task InitThenInfo_Tiny_ReportsUnder2MillionParameters()
    {
        string folder = await InitAsync("tiny");

        CliRun run = await CliRun.RunAsync("info", folder, "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        JsonElement json = LastJson(run);
        Assert.Equal("tiny", json.GetProperty("preset").GetString());
        Assert.InRange(json.GetProperty("parameters").GetProperty("total").GetInt64(), 1, 1_999_999);
        Assert.Equal("none", json.GetProperty("text_normalizer_version").GetString());
    }

    [Fact]
    public async Task Info_WithoutJson_PrintsParameterTable()
    {
        string folder = await InitAsync("tiny");

        CliRun run = await CliRun.RunAsync("info", folder);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("preset tiny", run.Output, StringComparison.Ordinal);
        Assert.Contains("1,589,157", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_SameSeedTwice_WritesIdenticalWeights()
    {
        string first = await InitAsync("tiny", "--seed", "7");
        string second = await InitAsync("tiny", "--seed", "7");

        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(first, "model.safetensors")),
            await File.ReadAllBytesAsync(Path.Combine(second, "model.safetensors")));
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFiles(first).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Init_UnknownPreset_ExitsTwoWithOneLineNamingIt()
    {
        CliRun run = await CliRun.RunAsync("init", "--preset", "huge", "-o", NewFolder());

        run.AssertOneLineError("huge");
    }

    [Fact]
    public async Task Init_IntoExistingCheckpoint_ExitsTwo()
    {
        string folder = await InitAsync("tiny");

        CliRun run = await CliRun.RunAsync("init", "--preset", "tiny", "-o", folder);

        run.AssertOneLineError(folder);
    }

    [Fact]
    public async Task Info_MissingFolder_ExitsTwoNamingIt()
    {
        string folder = NewFolder();

        CliRun run = await CliRun.RunAsync("info", folder);

        run.AssertOneLineError(folder);
    }

    [Fact]
    public async Task Info_FolderWithoutWeights_ExitsTwoNamingModelSafetensors()
    {
        string folder = await InitAsync("tiny");
        File.Delete(Path.Combine(folder, "model.safetensors"));

        CliRun run = await CliRun.RunAsync("info", folder);

        run.AssertOneLineError("model.safetensors");
    }

    [Fact]
    public async Task Info_ConfigDisagreeingWithWeights_ExitsTwoNamingTheWeights()
    {
        string folder = await InitAsync("tiny");
        string configPath = Path.Combine(folder, "config.json");
        JsonObject config = JsonNode.Parse(await File.ReadAllTextAsync(configPath))!.AsObject();
        config["ff_dim"] = 512;
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        CliRun run = await CliRun.RunAsync("info", folder);

        run.AssertOneLineError(Path.Combine(folder, "model.safetensors"));
        Assert.Contains("Tensor '", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_InvalidConfigValue_ExitsTwoNamingTheField()
    {
        string folder = await InitAsync("tiny");
        string configPath = Path.Combine(folder, "config.json");
        JsonObject config = JsonNode.Parse(await File.ReadAllTextAsync(configPath))!.AsObject();
        config["heads"] = 3;
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        CliRun run = await CliRun.RunAsync("info", folder);

        run.AssertOneLineError("heads");
    }
}
