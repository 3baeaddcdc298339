using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeWm.Cli.Tests;

public sealed class ExportCommandTests : IDisposable
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

    private static HashSet<string> StoredDtypes(string weights)
    {
        byte[] bytes = File.ReadAllBytes(weights);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        return [.. header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").Select(p => p.Value.GetProperty("dtype").GetString()!)];
    }

    [Fact]
    public async Task InitWithSpeakers_WritesTheSpeakerTableInOrder()
    {
        string folder = NewFolder();

        CliRun init = await CliRun.RunAsync("init", "--preset", "tiny", "--speakers", "hi, hi-f2,hi-m1", "-o", folder, "--json");

        Assert.True(init.ExitCode == 0, init.Error);
        JsonObject config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        Assert.Equal(3, config["n_speakers"]!.GetValue<int>());
        Assert.Equal(["hi", "hi-f2", "hi-m1"], config["speakers"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal([0, 1, 2], config["speakers"]!.AsArray().Select(s => s!["id"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("a,,b", "empty name")]
    [InlineData("a,b,a", "'a' more than once")]
    public async Task InitWithBadSpeakers_ExitsTwoSayingWhy(string speakers, string fragment)
    {
        CliRun run = await CliRun.RunAsync("init", "--preset", "tiny", "--speakers", speakers, "-o", NewFolder());

        run.AssertOneLineError(fragment);
    }

    [Fact]
    public async Task ExportFp16_Tiny_HalvesTheWeightsAndKeepsConfigAndSpeakers()
    {
        string source = NewFolder();
        string target = NewFolder();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--preset", "tiny", "--speakers", "hi,hi-f2", "--seed", "4", "-o", source)).ExitCode);

        CliRun run = await CliRun.RunAsync("export", "fp16", "--model", source, "-o", target, "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        long before = new FileInfo(Path.Combine(source, "model.safetensors")).Length;
        long after = new FileInfo(Path.Combine(target, "model.safetensors")).Length;
        Assert.Equal(before, json.RootElement.GetProperty("source_bytes").GetInt64());
        Assert.Equal(after, json.RootElement.GetProperty("output_bytes").GetInt64());
        Assert.InRange((double)after / before, 0.49, 0.52);
        Assert.Equal(["F16"], StoredDtypes(Path.Combine(target, "model.safetensors")));
        Assert.Equal(File.ReadAllText(Path.Combine(source, "config.json")), File.ReadAllText(Path.Combine(target, "config.json")));
        CliRun info = await CliRun.RunAsync("info", target);
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Contains("0 hi, 1 hi-f2", info.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportFp16_IntoTheSourceFolder_ExitsTwo()
    {
        string source = NewFolder();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--preset", "tiny", "-o", source)).ExitCode);

        CliRun run = await CliRun.RunAsync("export", "fp16", "--model", source, "-o", source);

        run.AssertOneLineError("is the source folder");
    }

    [Fact]
    public async Task ExportFp16_MissingModel_ExitsTwoNamingIt()
    {
        string missing = CliRun.TempPath(string.Empty);

        CliRun run = await CliRun.RunAsync("export", "fp16", "--model", missing, "-o", NewFolder());

        run.AssertOneLineError(missing);
    }
}
