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
    }

    [Fact]
    public async Task BenchSynthesize_ZeroRounds_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("bench", "synthesize", "--model", checkpoint.Model, "--rounds", "0");

        run.AssertOneLineError("--rounds");
    }
}
