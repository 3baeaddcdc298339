using System.Text.Json;

namespace LeWm.Cli.Tests;

public sealed class BenchSynthesizeCommandTests(TinyCheckpointFixture checkpoint) : IClassFixture<TinyCheckpointFixture>
{
    [Fact]
    public async Task BenchSynthesize_OneSecondOneRound_ReportsEveryField()
    {
        CliRun run = await CliRun.RunAsync("bench", "synthesize", "--model", checkpoint.Model, "--seconds", "1", "--rounds", "1", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using JsonDocument document = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        JsonElement json = document.RootElement;
        foreach (string field in new[] { "median_ms", "realtime_factor", "kv_cache_speedup", "batch16_speedup", "first_audio_ms", "peak_mb" })
        {
            double value = json.GetProperty(field).GetDouble();
            Assert.True(double.IsFinite(value) && value > 0, $"{field} = {value}");
        }

        // round(1 s · 24000 / 256 / 4) = 23 latent frames, exactly, whatever the random stop head says.
        Assert.Equal(23, json.GetProperty("latent_frames").GetInt32());
        Assert.InRange(json.GetProperty("audio_seconds").GetDouble(), 0.95, 1.0);
        Assert.Equal(16, json.GetProperty("batch_size").GetInt32());
        Assert.Equal(json.GetProperty("batch_ms").GetDouble(), json.GetProperty("batch16_ms").GetDouble());
        Assert.Equal("cpu", json.GetProperty("device").GetString());
    }

    [Fact]
    public async Task BenchSynthesize_BatchOfThree_ReportsThatBatchAndNoBatch16Fields()
    {
        CliRun run = await CliRun.RunAsync(
            "bench", "synthesize", "--model", checkpoint.Model, "--seconds", "0.5", "--rounds", "1", "--batch", "3", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using JsonDocument document = JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]);
        JsonElement json = document.RootElement;
        Assert.Equal(3, json.GetProperty("batch_size").GetInt32());
        Assert.True(json.GetProperty("batch_realtime_factor").GetDouble() > 0);
        Assert.False(json.TryGetProperty("batch16_ms", out _));
    }

    [Theory]
    [InlineData("--batch", "0")]
    [InlineData("--device", "gpu")]
    [InlineData("--device", "cuda:x")]
    public async Task BenchSynthesize_BadBatchOrDevice_ExitsTwoNamingTheOption(string option, string value)
    {
        CliRun run = await CliRun.RunAsync("bench", "synthesize", "--model", checkpoint.Model, option, value);

        run.AssertOneLineError(option);
    }

    [Fact]
    public async Task BenchSynthesize_ZeroRounds_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("bench", "synthesize", "--model", checkpoint.Model, "--rounds", "0");

        run.AssertOneLineError("--rounds");
    }
}
