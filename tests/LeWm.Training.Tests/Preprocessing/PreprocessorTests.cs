using System.Text.Json;
using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Audio.Mel;
using LeWm.Audio.Wav;
using LeWm.Training.Data;
using LeWm.Training.Preprocessing;

namespace LeWm.Training.Tests.Preprocessing;

public sealed class PreprocessorTests : IDisposable
{
    private const int Rate = AudioClip.ModelSampleRate;
    private readonly CorpusFolder _corpus = new();

    public void Dispose() => _corpus.Dispose();

    private static Task<PreprocessingSummary> RunAsync(string input, string output, int parallelism = 2) =>
        new Preprocessor(new PreprocessorOptions { InputDirectory = input, OutputDirectory = output, MaxDegreeOfParallelism = parallelism }).RunAsync();

    private string OutputFolder() => Path.Combine(Path.GetDirectoryName(_corpus.NewFolder())!, "out");

    /// <summary>A sentence of about <paramref name="letters"/> letters made of one repeated Hindi word, ending in a danda.</summary>
    private static string Sentence(string word, int letters)
    {
        int count = Math.Max(1, letters / word.Length);
        return string.Join(' ', Enumerable.Repeat(word, count)) + "।";
    }

    [Fact]
    public async Task Run_MetadataCsv_UsesNormalizedColumnAndWritesCompleteOutputs()
    {
        string input = _corpus.NewFolder("ljspeech");
        CorpusFolder.WriteWav(Path.Combine(input, "wavs", "LJ001-0001.wav"), CorpusFolder.Bursts(Rate, 0, 1.5));
        CorpusFolder.WriteWav(Path.Combine(input, "wavs", "LJ001-0002.wav"), CorpusFolder.Bursts(Rate, 0, 2.0));
        CorpusFolder.WriteText(
            Path.Combine(input, "metadata.csv"),
            "LJ001-0001|Dr. Smith paid 5 dollars.|Doctor Smith paid five dollars.\nLJ001-0002|नमस्ते दुनिया।\n");
        string output = OutputFolder();

        PreprocessingSummary summary = await RunAsync(input, output);

        Assert.Equal(2, summary.Segments);
        Assert.Equal(["ljspeech"], summary.Speakers);
        Assert.Empty(summary.Skipped);
        Assert.Equal(3.5 / 3600, summary.Hours, 1e-9);
        IReadOnlyList<ManifestEntry> manifest = Manifest.Read(output);
        Assert.Equal(["LJ001-0001", "LJ001-0002"], manifest.Select(e => e.Id));
        Assert.Equal("Doctor Smith paid five dollars.", manifest[0].Text);
        Assert.Equal("नमस्ते दुनिया।", manifest[1].Text);
        Assert.Contains("नमस्ते", File.ReadAllText(Path.Combine(output, Manifest.FileName)), StringComparison.Ordinal);
        var front = new MelSpectrogram();
        foreach (ManifestEntry entry in manifest)
        {
            Assert.Equal("ljspeech", entry.Speaker);
            Assert.Equal($"wavs/{entry.Id}.wav", entry.Audio);
            Assert.Equal($"mels/{entry.Id}.npy", entry.Mel);
            AudioClip wav = WavReader.Read(Path.Combine(output, entry.Audio));
            Assert.Equal(Rate, wav.SampleRate);
            Assert.Equal(1 + (wav.Length / 256), entry.Frames);
            Assert.Equal((double)wav.Length / Rate, entry.Seconds, 1e-9);
            NpyArray mel = NpyFile.Read(Path.Combine(output, entry.Mel));
            Assert.Equal([100, entry.Frames], mel.Shape);
            Assert.Equal(front.Compute(wav).Values, mel.Data); // the mel of exactly the 16-bit samples written
        }

        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, Preprocessor.SummaryFileName)));
        Assert.Equal(2, json.RootElement.GetProperty("segments").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("skipped").GetArrayLength());
        Assert.Empty(Directory.EnumerateFiles(output, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Run_TextFileBesideEachWav_OneSpeakerNamedAfterFolder()
    {
        string input = _corpus.NewFolder("asha");
        CorpusFolder.WriteWav(Path.Combine(input, "a.wav"), CorpusFolder.Bursts(Rate, 0, 1.0));
        CorpusFolder.WriteText(Path.Combine(input, "a.txt"), "  पहली\nपंक्ति।  \n");
        CorpusFolder.WriteWav(Path.Combine(input, "b.wav"), CorpusFolder.Bursts(Rate, 0, 1.2));
        CorpusFolder.WriteText(Path.Combine(input, "b.txt"), "दूसरी पंक्ति।");
        string output = OutputFolder();

        PreprocessingSummary summary = await RunAsync(input, output);

        IReadOnlyList<ManifestEntry> manifest = Manifest.Read(output);
        Assert.Equal(["a", "b"], manifest.Select(e => e.Id));
        Assert.Equal(["पहली पंक्ति।", "दूसरी पंक्ति।"], manifest.Select(e => e.Text));
        Assert.All(manifest, e => Assert.Equal("asha", e.Speaker));
        Assert.Equal(2, summary.Recordings);
    }

    [Fact]
    public async Task Run_EvaluationSet_SummarySaysSoAndTrainingCorporaDoNot()
    {
        string input = _corpus.NewFolder("asha");
        CorpusFolder.WriteWav(Path.Combine(input, "a.wav"), CorpusFolder.Bursts(Rate, 0, 1.0));
        CorpusFolder.WriteText(Path.Combine(input, "a.txt"), "पहली पंक्ति।");
        string training = OutputFolder(), evaluation = OutputFolder();

        await RunAsync(input, training);
        await new Preprocessor(new PreprocessorOptions { InputDirectory = input, OutputDirectory = evaluation, EvaluationSet = true }).RunAsync();

        Assert.False(PreprocessedCorpus.IsEvaluationSet(training));
        Assert.True(PreprocessedCorpus.IsEvaluationSet(evaluation));
        Assert.Contains("\"purpose\": \"evaluation\"", File.ReadAllText(Path.Combine(evaluation, Preprocessor.SummaryFileName)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TranscriptsWithNumbersAndTypographicPunctuation_ManifestHoldsTextNormalizerOutput()
    {
        string input = _corpus.NewFolder("dev");
        CorpusFolder.WriteWav(Path.Combine(input, "wavs", "a.wav"), CorpusFolder.Bursts(Rate, 0, 1.0));
        CorpusFolder.WriteWav(Path.Combine(input, "b.wav"), CorpusFolder.Bursts(Rate, 0, 1.2));
        CorpusFolder.WriteText(Path.Combine(input, "metadata.csv"), "a|कमरा 21 में “3” लोग…\nb|27/11/2026 को 10:30 पर 50% छूट।\n");
        string output = OutputFolder();

        await RunAsync(input, output);

        IReadOnlyList<ManifestEntry> manifest = Manifest.Read(output);
        Assert.Equal("कमरा इक्कीस में \"तीन\" लोग...", manifest.Single(e => e.Id == "a").Text);
        Assert.Equal(
            "सत्ताईस नवंबर दो हज़ार छब्बीस को दस बजकर तीस मिनट पर पचास प्रतिशत छूट।".Normalize(System.Text.NormalizationForm.FormC),
            manifest.Single(e => e.Id == "b").Text);
    }

    [Fact]
    public async Task Run_SpeakerSubFolders_NamesSpeakersAndPrefixesIds()
    {
        string input = _corpus.NewFolder();
        foreach (string speaker in new[] { "meera", "ravi" })
        {
            CorpusFolder.WriteWav(Path.Combine(input, speaker, "wavs", "0001.wav"), CorpusFolder.Bursts(Rate, 0, 1.0));
            CorpusFolder.WriteText(Path.Combine(input, speaker, "metadata.csv"), $"0001|{speaker} बोल रहा है।\n");
        }

        CorpusFolder.WriteWav(Path.Combine(input, "txt-speaker", "x.wav"), CorpusFolder.Bursts(Rate, 0, 1.0));
        CorpusFolder.WriteText(Path.Combine(input, "txt-speaker", "x.txt"), "तीसरा।");
        Directory.CreateDirectory(Path.Combine(input, "notes")); // no audio: not a speaker
        string output = OutputFolder();

        PreprocessingSummary summary = await RunAsync(input, output);

        Assert.Equal(["meera", "ravi", "txt-speaker"], summary.Speakers);
        IReadOnlyList<ManifestEntry> manifest = Manifest.Read(output);
        Assert.Equal(["meera_0001", "ravi_0001", "txt-speaker_x"], manifest.Select(e => e.Id));
        Assert.Equal(["meera", "ravi", "txt-speaker"], manifest.Select(e => e.Speaker));
    }

    [Fact]
    public async Task Run_Stereo44100Input_WritesMono24kHzOfTheAveragedChannels()
    {
        string input = _corpus.NewFolder("stereo");
        float[] left = CorpusFolder.Bursts(44_100, 0, 2.0);
        float[] right = [.. left.Select(v => -0.5f * v)];
        CorpusFolder.WriteStereoWav(Path.Combine(input, "s.wav"), left, right, 44_100);
        CorpusFolder.WriteText(Path.Combine(input, "s.txt"), "स्टीरियो।");
        string output = OutputFolder();

        await RunAsync(input, output);

        ManifestEntry entry = Assert.Single(Manifest.Read(output));
        AudioClip written = WavReader.Read(Path.Combine(output, entry.Audio));
        AudioClip expected = WavReader.Read(Path.Combine(input, "s.wav")).ResampleTo(Rate);
        Assert.Equal(Rate, written.SampleRate);
        Assert.Equal(48_000, written.Length);
        Assert.Equal(expected.Length, written.Length);
        float[] a = written.Samples.ToArray();
        float[] b = expected.Samples.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1.0 / 32768, $"sample {i}: {a[i]} vs {b[i]}");
        }

        Assert.InRange(a.Max(), 0.05f, 0.2f); // (1 − 0.5) / 2 of the left channel's 0.25-ish peaks
    }

    [Fact]
    public async Task Run_LongRecording_CutsAtPausesAndSplitsTranscriptAtDandas()
    {
        string input = _corpus.NewFolder("long");
        CorpusFolder.WriteWav(Path.Combine(input, "story.wav"), CorpusFolder.Bursts(Rate, 0.8, 4, 5, 3.5, 6));
        string[] sentences = [Sentence("एक", 40), Sentence("दो", 50), Sentence("तीन", 35), Sentence("चार", 60)];
        CorpusFolder.WriteText(Path.Combine(input, "story.txt"), string.Join(' ', sentences));
        string output = OutputFolder();

        PreprocessingSummary summary = await RunAsync(input, output);

        IReadOnlyList<ManifestEntry> manifest = Manifest.Read(output);
        Assert.Equal(["story_001", "story_002"], manifest.Select(e => e.Id));
        Assert.Equal($"{sentences[0]} {sentences[1]}", manifest[0].Text);
        Assert.Equal($"{sentences[2]} {sentences[3]}", manifest[1].Text);
        Assert.All(manifest, e => Assert.InRange(e.Seconds, 3, 12));
        Assert.Equal(1, summary.Recordings);
        Assert.Equal(2, summary.Segments);
    }

    [Fact]
    public async Task Run_LongRecordingWithOneSentence_SkipsItAndWritesNothingForIt()
    {
        string input = _corpus.NewFolder("long");
        CorpusFolder.WriteWav(Path.Combine(input, "story.wav"), CorpusFolder.Bursts(Rate, 0.8, 4, 5, 3.5, 6));
        CorpusFolder.WriteText(Path.Combine(input, "story.txt"), "एक लंबी कहानी बिना विराम के");
        CorpusFolder.WriteWav(Path.Combine(input, "ok.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        CorpusFolder.WriteText(Path.Combine(input, "ok.txt"), "ठीक है।");
        string output = OutputFolder();

        PreprocessingSummary summary = await RunAsync(input, output);

        SkippedRecording skip = Assert.Single(summary.Skipped);
        Assert.Equal("story.wav", skip.Source);
        Assert.Contains("cut at its pauses into 2 segments", skip.Reason, StringComparison.Ordinal);
        Assert.Contains("only 1 sentence", skip.Reason, StringComparison.Ordinal);
        Assert.Equal(["ok"], Manifest.Read(output).Select(e => e.Id));
        Assert.Empty(Directory.EnumerateFiles(output, "story*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Run_LongRecordingWhoseSentencesDoNotFitTheAudio_SkipsIt()
    {
        string input = _corpus.NewFolder("long");
        CorpusFolder.WriteWav(Path.Combine(input, "story.wav"), CorpusFolder.Bursts(Rate, 0.8, 4, 5, 3.5, 6));
        CorpusFolder.WriteText(Path.Combine(input, "story.txt"), $"{Sentence("एक", 10)} {Sentence("दो", 180)}");
        CorpusFolder.WriteWav(Path.Combine(input, "ok.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        CorpusFolder.WriteText(Path.Combine(input, "ok.txt"), "ठीक है।");
        string output = OutputFolder();

        PreprocessingSummary summary = await RunAsync(input, output);

        SkippedRecording skip = Assert.Single(summary.Skipped);
        Assert.Contains("speaking rate", skip.Reason, StringComparison.Ordinal);
        Assert.Equal(["ok"], Manifest.Read(output).Select(e => e.Id));
    }

    [Fact]
    public async Task Run_Twice_SecondRunReusesEveryRecordingAndRewritesNothing()
    {
        string input = MakeThreeItemCorpus();
        string output = OutputFolder();
        await RunAsync(input, output);
        Dictionary<string, DateTime> written = Directory.EnumerateFiles(output, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".wav", StringComparison.Ordinal) || f.EndsWith(".npy", StringComparison.Ordinal))
            .ToDictionary(f => f, File.GetLastWriteTimeUtc);

        PreprocessingSummary second = await RunAsync(input, output);

        Assert.Equal(3, second.Reused);
        Assert.Equal(4, second.Segments);
        Assert.Equal(4, Manifest.Read(output).Count);
        Assert.All(written, w => Assert.Equal(w.Value, File.GetLastWriteTimeUtc(w.Key)));
    }

    [Fact]
    public async Task Run_AfterAnOutputWasDeletedTruncatedOrItsSourceChanged_RedoesOnlyThoseRecordings()
    {
        string input = MakeThreeItemCorpus();
        string output = OutputFolder();
        await RunAsync(input, output);
        IReadOnlyList<ManifestEntry> first = Manifest.Read(output);
        File.Delete(Path.Combine(output, "mels", "a.npy"));
        string wav = Path.Combine(output, "wavs", "long_002.wav");
        byte[] bytes = File.ReadAllBytes(wav);
        File.WriteAllBytes(wav, bytes[..(bytes.Length / 2)]); // as a crash mid-copy would leave it

        PreprocessingSummary second = await RunAsync(input, output);

        Assert.Equal(1, second.Reused);
        Assert.Equal(first, Manifest.Read(output));
        Assert.Equal(bytes, File.ReadAllBytes(wav));
        Assert.True(File.Exists(Path.Combine(output, "mels", "a.npy")));

        CorpusFolder.WriteText(Path.Combine(input, "b.txt"), "बदला हुआ पाठ।");
        PreprocessingSummary third = await RunAsync(input, output);

        Assert.Equal(2, third.Reused);
        Assert.Equal("बदला हुआ पाठ।", Manifest.Read(output).Single(e => e.Id == "b").Text);
    }

    private string MakeThreeItemCorpus()
    {
        string input = _corpus.NewFolder("three");
        CorpusFolder.WriteWav(Path.Combine(input, "a.wav"), CorpusFolder.Bursts(Rate, 0, 1.0));
        CorpusFolder.WriteText(Path.Combine(input, "a.txt"), "पहला।");
        CorpusFolder.WriteWav(Path.Combine(input, "b.wav"), CorpusFolder.Bursts(16_000, 0, 1.5), 16_000);
        CorpusFolder.WriteText(Path.Combine(input, "b.txt"), "दूसरा।");
        CorpusFolder.WriteWav(Path.Combine(input, "long.wav"), CorpusFolder.Bursts(Rate, 0.8, 4, 5, 3.5, 6));
        CorpusFolder.WriteText(
            Path.Combine(input, "long.txt"),
            string.Join(' ', Sentence("एक", 40), Sentence("दो", 50), Sentence("तीन", 35), Sentence("चार", 60)));
        return input;
    }

    [Fact]
    public async Task Run_BadItems_SkipsEachWithItsOwnReason()
    {
        string input = _corpus.NewFolder("bad");
        CorpusFolder.WriteWav(Path.Combine(input, "good.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        CorpusFolder.WriteText(Path.Combine(input, "good.txt"), "अच्छा।");
        CorpusFolder.WriteWav(Path.Combine(input, "untranscribed.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        CorpusFolder.WriteWav(Path.Combine(input, "empty.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        CorpusFolder.WriteText(Path.Combine(input, "empty.txt"), " \n ");
        File.WriteAllBytes(Path.Combine(input, "garbage.wav"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        CorpusFolder.WriteText(Path.Combine(input, "garbage.txt"), "कचरा।");
        CorpusFolder.WriteWav(Path.Combine(input, "tiny.wav"), CorpusFolder.Bursts(Rate, 0, 0.01));
        CorpusFolder.WriteText(Path.Combine(input, "tiny.txt"), "छोटा।");
        CorpusFolder.WriteWav(Path.Combine(input, "silent.wav"), new float[Rate * 20]);
        CorpusFolder.WriteText(Path.Combine(input, "silent.txt"), "चुप।");
        string output = OutputFolder();

        PreprocessingSummary summary = await RunAsync(input, output);

        Dictionary<string, string> reasons = summary.Skipped.ToDictionary(s => s.Source, s => s.Reason);
        Assert.Equal(5, reasons.Count);
        Assert.Equal("no transcript: 'untranscribed.txt' is missing (and there is no metadata.csv)", reasons["untranscribed.wav"]);
        Assert.Equal("empty transcript", reasons["empty.wav"]);
        Assert.StartsWith("audio cannot be read: ", reasons["garbage.wav"], StringComparison.Ordinal);
        Assert.Contains("not a WAV file", reasons["garbage.wav"], StringComparison.Ordinal);
        Assert.Equal("the recording is 240 samples at 24 kHz, shorter than one mel frame (513 samples)", reasons["tiny.wav"]);
        Assert.StartsWith("no speech found in 20 s of audio", reasons["silent.wav"], StringComparison.Ordinal);
        Assert.Equal(["good"], Manifest.Read(output).Select(e => e.Id));
        Assert.Equal(["good.wav"], Directory.EnumerateFiles(Path.Combine(output, "wavs")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Run_MetadataProblems_SkipsLinesAndUnlistedAudio()
    {
        string input = _corpus.NewFolder("meta");
        CorpusFolder.WriteWav(Path.Combine(input, "wavs", "a.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        CorpusFolder.WriteWav(Path.Combine(input, "wavs", "stray.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        CorpusFolder.WriteText(Path.Combine(input, "metadata.csv"), "a|एक।\nmissing|दो।\nno separator here\na|फिर से।\nb|\n");
        CorpusFolder.WriteWav(Path.Combine(input, "wavs", "b.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        string output = OutputFolder();

        PreprocessingSummary summary = await RunAsync(input, output);

        Assert.Equal(
            [
                ("metadata.csv:2", "audio 'wavs/missing.wav' not found"),
                ("metadata.csv:3", "not an 'id|text' or 'id|text|normalized' line"),
                ("metadata.csv:4", "id 'a' is listed twice"),
                ("wavs/b.wav", "empty transcript"),
                ("wavs/stray.wav", "no transcript: not listed in metadata.csv"),
            ],
            summary.Skipped.Select(s => (s.Source, s.Reason)));
        Assert.Equal(["a"], Manifest.Read(output).Select(e => e.Id));
    }

    [Fact]
    public async Task Run_NoUsableRecording_ThrowsCorpusExceptionAndWritesNothing()
    {
        string input = _corpus.NewFolder("hopeless");
        CorpusFolder.WriteWav(Path.Combine(input, "a.wav"), CorpusFolder.Bursts(Rate, 0, 1));
        File.WriteAllBytes(Path.Combine(input, "b.wav"), [0, 1, 2]);
        CorpusFolder.WriteText(Path.Combine(input, "b.txt"), "टूटा।");
        string output = OutputFolder();

        CorpusException e = await Assert.ThrowsAsync<CorpusException>(() => RunAsync(input, output));

        Assert.Contains("No usable recordings in", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 skipped", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any());
    }

    [Fact]
    public async Task Run_FolderWithoutRecordings_ThrowsCorpusException()
    {
        string input = _corpus.NewFolder("empty");
        CorpusFolder.WriteText(Path.Combine(input, "readme.txt"), "nothing here");

        CorpusException e = await Assert.ThrowsAsync<CorpusException>(() => RunAsync(input, OutputFolder()));

        Assert.StartsWith("No recordings found in", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingInputFolder_ThrowsDirectoryNotFound()
    {
        string input = Path.Combine(_corpus.NewFolder(), "absent");

        DirectoryNotFoundException e = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => RunAsync(input, OutputFolder()));

        Assert.Contains(input, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        string folder = _corpus.NewFolder();
        var options = new PreprocessorOptions
        {
            InputDirectory = folder,
            OutputDirectory = folder + "/",
            MinSegment = TimeSpan.FromSeconds(5),
            MaxSegment = TimeSpan.FromSeconds(4),
            MaxDegreeOfParallelism = 0,
        };

        ArgumentException e = Assert.Throws<ArgumentException>(() => new Preprocessor(options));

        Assert.Contains("is the input folder", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxSegment is 4 s; it must be longer than MinSegment (5 s)", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDegreeOfParallelism is 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ReportsProgressUpToTheTotalAndHonoursCancellation()
    {
        string input = MakeThreeItemCorpus();
        string output = OutputFolder();
        var reports = new List<PreprocessingProgress>();
        var progress = new CollectingProgress(p =>
        {
            lock (reports)
            {
                reports.Add(p);
            }
        });
        var preprocessor = new Preprocessor(new PreprocessorOptions { InputDirectory = input, OutputDirectory = output });

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => preprocessor.RunAsync(progress, cancelled.Token));
        Assert.False(File.Exists(Path.Combine(output, Manifest.FileName)));

        await preprocessor.RunAsync(progress, CancellationToken.None);

        Assert.Equal(3, reports.Count);
        PreprocessingProgress last = reports.MaxBy(r => r.RecordingsDone)!;
        Assert.Equal(new PreprocessingProgress(3, 3, 4, 0, last.Audio), last);
        Assert.Equal(TimeSpan.FromSeconds(Manifest.Read(output).Sum(e => e.Seconds)).TotalSeconds, last.Audio.TotalSeconds, 1e-6);
    }

    private sealed class CollectingProgress(Action<PreprocessingProgress> onReport) : IProgress<PreprocessingProgress>
    {
        public void Report(PreprocessingProgress value) => onReport(value);
    }
}
