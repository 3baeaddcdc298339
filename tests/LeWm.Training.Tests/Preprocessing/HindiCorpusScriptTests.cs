using System.Diagnostics;
using LeWm.Training.Data;
using LeWm.Training.Preprocessing;

namespace LeWm.Training.Tests.Preprocessing;

/// <summary>
/// Runs <c>scripts/make-hindi-corpus.sh</c> (espeak-ng) on a few sentences and preprocesses what it makes.
/// espeak-ng is required (<c>./test.sh</c> installs it); without it the test fails saying so.
/// </summary>
public sealed class HindiCorpusScriptTests : IDisposable
{
    private readonly CorpusFolder _corpus = new();

    public void Dispose() => _corpus.Dispose();

    internal static string? FindRepositoryFile(string relative)
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, relative);
            if (File.Exists(Path.Combine(folder.FullName, "LeWm.Sdk.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    internal static bool HasEspeak() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(p => File.Exists(Path.Combine(p, "espeak-ng")));

    internal static async Task RunScriptAsync(string script, string output, int sentences)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(output);
        start.ArgumentList.Add(sentences.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
    }

    [Fact]
    public async Task Script_FourSentences_BuildsThreeSpeakersAndALongRecordingThatPreprocessingCuts()
    {
        string? script = FindRepositoryFile("scripts/make-hindi-corpus.sh");
        Assert.NotNull(script);
        Assert.True(HasEspeak(), "espeak-ng is not installed: run ./test.sh, which installs it (apt-get install espeak-ng).");

        string corpus = _corpus.NewFolder("hindi");
        string again = _corpus.NewFolder("hindi-again");
        await RunScriptAsync(script, corpus, 4);
        await RunScriptAsync(script, again, 4);
        Assert.Equal(File.ReadAllBytes(Path.Combine(corpus, "hi-m3", "wavs", "0003.wav")), File.ReadAllBytes(Path.Combine(again, "hi-m3", "wavs", "0003.wav")));
        string output = Path.Combine(Path.GetDirectoryName(corpus)!, "out");

        PreprocessingSummary summary = await new Preprocessor(new PreprocessorOptions { InputDirectory = corpus, OutputDirectory = output }).RunAsync();

        Assert.Empty(summary.Skipped);
        Assert.Equal(["hi", "hi-f3", "hi-m3"], summary.Speakers);
        Assert.Equal(13, summary.Recordings);
        IReadOnlyList<ManifestEntry> manifest = Manifest.Read(output);
        string[] sentences = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(script)!, "hindi-sentences.txt"));
        Assert.Equal(sentences[1], manifest.Single(e => e.Id == "hi-f3_0002").Text);
        List<ManifestEntry> pieces = [.. manifest.Where(e => e.Id.StartsWith("hi_long0001_", StringComparison.Ordinal))];
        Assert.InRange(pieces.Count, 2, 6);
        Assert.All(pieces, p => Assert.InRange(p.Seconds, 3, 12));
        Assert.Equal(string.Join(' ', sentences[^12..]), string.Join(' ', pieces.Select(p => p.Text)));
        Assert.All(pieces, p => Assert.EndsWith("।", p.Text, StringComparison.Ordinal));
    }
}
