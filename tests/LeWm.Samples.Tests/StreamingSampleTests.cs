using System.Globalization;
using System.Text.RegularExpressions;
using LeWm.Audio;

namespace LeWm.Samples.Tests;

/// <summary>Runs samples/Streaming, which writes the chunks of StreamAsync into a WAV file as they arrive.</summary>
public sealed partial class StreamingSampleTests
{
    [Fact]
    public async Task Run_NoArguments_WritesAudibleWavOfEveryChunkAndPrintsTimeToFirstAudio()
    {
        using SampleApp app = SampleApp.Find("Streaming");

        SampleRun run = await app.RunAsync(TimeSpan.FromMinutes(4));

        run.AssertSucceeded();
        AudioClip clip = SpeechFile.AssertAudible(app.PathOf("stream.wav"), TimeSpan.FromSeconds(1));
        Assert.False(File.Exists(app.PathOf("stream.wav.part")), "the partial file was left behind");

        Match first = FirstAudio().Match(run.Output);
        Assert.True(first.Success, $"no 'Time to first audio' line in:\n{run.Output}");
        double firstAudioMs = double.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture);
        Match total = Total().Match(run.Output);
        Assert.True(total.Success, $"no 'Total' line in:\n{run.Output}");
        double totalMs = double.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(firstAudioMs, 1, totalMs);

        // One line per chunk; the chunks tile the file: the last one ends where the audio ends.
        MatchCollection chunks = Chunk().Matches(run.Output);
        Assert.True(chunks.Count >= 2, $"expected several chunks for two sentences, got {chunks.Count}:\n{run.Output}");
        double lastEnd = double.Parse(chunks[^1].Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(clip.Duration.TotalSeconds, lastEnd, 0.002);
    }

    [GeneratedRegex(@"Time to first audio: (\d+) ms")]
    private static partial Regex FirstAudio();

    [GeneratedRegex(@"Total: (\d+) ms")]
    private static partial Regex Total();

    [GeneratedRegex(@"chunk +\d+: audio +[\d.]+- *([\d.]+) s")]
    private static partial Regex Chunk();
}
