using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Audio.Mel;
using LeWm.Audio.Segmentation;
using LeWm.Audio.Wav;
using LeWm.Training.Data;

namespace LeWm.Training.Preprocessing;

/// <summary>
/// Turns a folder of recordings and transcripts into a training corpus: 24 kHz mono segments of 3–12 s, their Vocos
/// log-mels and <c>manifest.jsonl</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Input layouts.</b> A speaker folder holds WAV files, directly or in a <c>wavs/</c> sub-folder, with their
/// transcripts either in a <c>metadata.csv</c> in the LJSpeech layout (<c>id|text</c> or <c>id|text|normalized</c>,
/// UTF-8; the normalized column is used when it is not empty; the audio is <c>wavs/id.wav</c> or <c>id.wav</c>) or in
/// a UTF-8 <c>.txt</c> file beside each <c>.wav</c>. The input folder is either one speaker folder (the speaker is named
/// after it) or holds one sub-folder per speaker (named after the sub-folder). With several speakers, output ids are
/// prefixed with the speaker's name. WAV files of any format LeWm.Audio reads are accepted: channels are averaged and
/// the audio is resampled to 24 kHz. Transcripts are normalised by <see cref="LeWm.Inference.TextNormalizer"/> (NFC,
/// white space, punctuation, numbers spelled as Hindi words), the normaliser the engine runs at inference.
/// </para>
/// <para>
/// <b>Segments.</b> A recording no longer than <see cref="PreprocessorOptions.MaxSegment"/> is one segment, kept
/// whole. A longer one is cut at its pauses by <see cref="SilenceSegmenter"/>, and its transcript is shared among the
/// segments at sentence punctuation (including the danda <c>।</c>) so that every segment's speaking rate is plausible;
/// when that cannot be done the recording is skipped, never paired with the wrong text. Segments of a cut recording
/// are named <c>ID_001</c>, <c>ID_002</c>, ….
/// </para>
/// <para>
/// <b>Output.</b> <c>wavs/ID.wav</c> (16-bit PCM, 24 kHz, mono), <c>mels/ID.npy</c> (the log-mel of exactly those
/// 16-bit samples, <c>[100, frames]</c> float32, frames = 1 + samples / 256), <c>manifest.jsonl</c> (paths relative
/// to it), <c>summary.json</c>, and <c>records/ID.json</c> per recording for resuming. Every file is written atomically.
/// </para>
/// <para>
/// <b>Resuming.</b> A recording's record is written after its WAVs and mels. A later run over the same output folder
/// reuses a recording whose record matches the source file (length, modification time), its transcript and the
/// segment options and whose files are all complete; anything else is made again. The manifest and summary are
/// written last, from every recording of the current input.
/// </para>
/// <para>
/// <b>Bad input.</b> A recording without a transcript, with an empty transcript, whose audio cannot be read, that is
/// shorter than one mel frame (513 samples at 24 kHz), silent when cut, or whose transcript cannot be shared among its
/// segments is skipped and listed in <see cref="PreprocessingSummary.Skipped"/> with the reason. A corpus with no
/// usable recording is a <see cref="CorpusException"/>, and then no manifest or summary is written.
/// </para>
/// <para>Recordings are processed in parallel (<see cref="PreprocessorOptions.MaxDegreeOfParallelism"/>). An instance
/// holds no per-run state; do not run two instances on the same output folder at once.</para>
/// </remarks>
public sealed class Preprocessor
{
    /// <summary>The folder of the segments' WAV files inside the output folder.</summary>
    public const string WavsFolderName = "wavs";

    /// <summary>The folder of the segments' log-mels inside the output folder.</summary>
    public const string MelsFolderName = "mels";

    /// <summary>The summary's file name inside the output folder.</summary>
    public const string SummaryFileName = "summary.json";

    private const int WavHeaderBytes = 44;

    private readonly SilenceSegmenter _segmenter;
    private readonly MelSpectrogram _mel = new();

    /// <summary>Creates a preprocessor for <paramref name="options"/>.</summary>
    /// <param name="options">Where to read and write, and how to cut recordings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public Preprocessor(PreprocessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = options.CollectErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The preprocessor options are invalid: " + string.Join(" ", errors), nameof(options));
        }

        Options = options;
        _segmenter = new SilenceSegmenter(new SegmenterOptions { MinSegment = options.MinSegment, MaxSegment = options.MaxSegment });
    }

    /// <summary>The options in use.</summary>
    public PreprocessorOptions Options { get; }

    /// <summary>The fewest samples a segment needs for one mel frame (513 at the default front end).</summary>
    private int MinSamples => (_mel.Options.FftSize / 2) + 1;

    /// <summary>Preprocesses the corpus, reusing complete outputs of an earlier run.</summary>
    /// <param name="progress">Told after each recording; null for none. Called from worker threads.</param>
    /// <param name="cancellationToken">Stops the run between segments; what is complete stays and is reused next time.</param>
    /// <returns>What was written and what was skipped.</returns>
    /// <exception cref="DirectoryNotFoundException">The input folder does not exist.</exception>
    /// <exception cref="CorpusException">The input holds no recording with a transcript, or every one was skipped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">The output could not be written.</exception>
    public async Task<PreprocessingSummary> RunAsync(
        IProgress<PreprocessingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        string output = Path.GetFullPath(Options.OutputDirectory);
        CorpusLayout layout = await Task.Run(() => CorpusScanner.Scan(Options.InputDirectory, output), cancellationToken)
            .ConfigureAwait(false);
        IReadOnlyList<CorpusRecording> recordings = layout.Recordings;
        if (recordings.Count == 0)
        {
            throw new CorpusException($"No usable recordings in '{Options.InputDirectory}': {Describe(layout.Skipped)}.");
        }

        var outcomes = new RecordingOutcome[recordings.Count];
        int done = 0;
        int segments = 0;
        int skipped = 0;
        long audioTicks = 0;

        // Longest files first, so the last ones to finish are short.
        int[] order = [.. Enumerable.Range(0, recordings.Count).OrderByDescending(i => new FileInfo(recordings[i].AudioPath).Length).ThenBy(i => i)];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(order, parallel, (index, token) =>
        {
            RecordingOutcome outcome = Process(recordings[index], output, token);
            outcomes[index] = outcome;
            int finished = Interlocked.Increment(ref done);
            int segmentCount = Interlocked.Add(ref segments, outcome.Segments.Count);
            int skippedCount = outcome.Skipped is null ? Volatile.Read(ref skipped) : Interlocked.Increment(ref skipped);
            long ticks = Interlocked.Add(ref audioTicks, outcome.Segments.Sum(s => TimeSpan.FromSeconds(s.Seconds).Ticks));
            progress?.Report(new PreprocessingProgress(finished, recordings.Count, segmentCount, skippedCount, TimeSpan.FromTicks(ticks)));
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);

        List<ManifestEntry> entries = [.. outcomes.SelectMany(o => o.Segments)];
        List<SkippedRecording> skips = [.. layout.Skipped, .. outcomes.Where(o => o.Skipped is not null).Select(o => o.Skipped!)];
        if (entries.Count == 0)
        {
            throw new CorpusException($"No usable recordings in '{Options.InputDirectory}': {Describe(skips)}.");
        }

        string manifestPath = Path.Combine(output, Manifest.FileName);
        Manifest.Write(manifestPath, entries);
        var summary = new PreprocessingSummary
        {
            OutputDirectory = output,
            ManifestPath = manifestPath,
            Recordings = outcomes.Count(o => o.Segments.Count > 0),
            Segments = entries.Count,
            Reused = outcomes.Count(o => o.Reused),
            Speakers = layout.Speakers,
            Audio = TimeSpan.FromSeconds(entries.Sum(e => e.Seconds)),
            Skipped = skips,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        AtomicFile.WriteAllBytes(Path.Combine(output, SummaryFileName), SummaryJson(summary, Options.EvaluationSet));
        return summary;
    }

    private static string Describe(IReadOnlyList<SkippedRecording> skipped) => skipped.Count switch
    {
        0 => "none found",
        1 => $"1 skipped ('{skipped[0].Source}': {skipped[0].Reason})",
        _ => $"{skipped.Count} skipped (first: '{skipped[0].Source}': {skipped[0].Reason})",
    };

    /// <summary>Makes (or reuses) the segments of one recording.</summary>
    private RecordingOutcome Process(CorpusRecording recording, string output, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RecordingFingerprint fingerprint;
        try
        {
            fingerprint = RecordingFingerprint.Of(recording, Options);
        }
        catch (IOException e)
        {
            return RecordingOutcome.Skip(recording, $"audio cannot be read: {e.Message}");
        }

        string recordPath = RecordingRecord.PathOf(output, recording.Id);
        IReadOnlyList<ManifestEntry>? reused = RecordingRecord.TryReuse(recordPath, output, fingerprint, _mel.Options.Bands);
        if (reused is not null)
        {
            return new RecordingOutcome(reused, null, Reused: true);
        }

        AudioClip clip;
        try
        {
            clip = WavReader.Read(recording.AudioPath).ResampleTo(AudioClip.ModelSampleRate);
        }
        catch (Exception e) when (e is AudioFormatException or IOException or UnauthorizedAccessException)
        {
            return RecordingOutcome.Skip(recording, $"audio cannot be read: {e.Message}");
        }

        if (!TryPlan(recording, clip, out IReadOnlyList<AudioSegment>? cuts, out IReadOnlyList<string>? texts, out string? problem))
        {
            return RecordingOutcome.Skip(recording, problem);
        }

        // Everything is computed before anything is written, so a recording that fails leaves no files.
        var made = new List<(ManifestEntry Entry, byte[] Wav, LogMel Mel, int Samples)>(cuts.Count);
        for (int k = 0; k < cuts.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AudioSegment cut = cuts[k];
            string id = cuts.Count == 1 ? recording.Id : string.Create(CultureInfo.InvariantCulture, $"{recording.Id}_{k + 1:D3}");
            byte[] wav = WavWriter.Encode(clip.Samples.Span.Slice(cut.Start, cut.Length), AudioClip.ModelSampleRate);
            LogMel mel;
            try
            {
                mel = _mel.Compute(DecodePcm16(wav));
            }
            catch (AudioFormatException e)
            {
                return RecordingOutcome.Skip(recording, $"no log-mel for segment {k + 1}: {e.Message}");
            }

            var entry = new ManifestEntry(
                id,
                texts[k],
                recording.Speaker,
                $"{WavsFolderName}/{id}.wav",
                $"{MelsFolderName}/{id}.npy",
                mel.Frames,
                (double)cut.Length / AudioClip.ModelSampleRate);
            made.Add((entry, wav, mel, cut.Length));
        }

        foreach ((ManifestEntry entry, byte[] wav, LogMel mel, _) in made)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AtomicFile.WriteAllBytes(Path.Combine(output, entry.Audio), wav);
            NpyFile.Write(Path.Combine(output, entry.Mel), mel.Values, mel.Bands, mel.Frames);
        }

        var record = new RecordingRecord(fingerprint, [.. made.Select(m => m.Entry)], [.. made.Select(m => m.Samples)]);
        record.Write(recordPath);
        return new RecordingOutcome(record.Segments, null, Reused: false);
    }

    /// <summary>Decides the segments of a recording and the transcript of each, or why it must be skipped.</summary>
    private bool TryPlan(
        CorpusRecording recording,
        AudioClip clip,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<AudioSegment>? cuts,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<string>? texts,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        cuts = null;
        texts = null;
        if (clip.Duration <= Options.MaxSegment)
        {
            cuts = [new AudioSegment(0, clip.Length, clip.SampleRate)];
            texts = [recording.Text];
        }
        else
        {
            IReadOnlyList<AudioSegment> found;
            try
            {
                found = _segmenter.Split(clip);
            }
            catch (AudioFormatException e)
            {
                problem = $"audio cannot be segmented: {e.Message}";
                return false;
            }

            if (found.Count == 0)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"no speech found in {clip.Duration.TotalSeconds:0.##} s of audio (all of it is below the silence threshold)");
                return false;
            }

            if (!TranscriptSplitter.TrySplit(recording.Text, [.. found.Select(s => s.Duration)], out texts, out string? splitProblem))
            {
                problem = string.Create(
                    CultureInfo.InvariantCulture,
                    $"the {clip.Duration.TotalSeconds:0.##} s recording was cut at its pauses into {found.Count} segments, but {splitProblem}");
                return false;
            }

            cuts = found;
        }

        for (int k = 0; k < cuts.Count; k++)
        {
            if (cuts[k].Length < MinSamples)
            {
                string what = cuts.Count == 1 ? "the recording" : $"segment {k + 1}";
                problem = $"{what} is {cuts[k].Length} samples at 24 kHz, shorter than one mel frame ({MinSamples} samples)";
                cuts = null;
                texts = null;
                return false;
            }
        }

        problem = null;
        return true;
    }

    /// <summary>The samples of a 16-bit PCM WAV made by <see cref="WavWriter.Encode"/>, scaled as <see cref="WavReader"/> scales them.</summary>
    private static float[] DecodePcm16(byte[] wav)
    {
        ReadOnlySpan<byte> data = wav.AsSpan(WavHeaderBytes);
        var samples = new float[data.Length / 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]) / 32768f;
        }

        return samples;
    }

    private static byte[] SummaryJson(PreprocessingSummary summary, bool evaluationSet)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString(PreprocessedCorpus.PurposeProperty, evaluationSet ? PreprocessedCorpus.EvaluationPurpose : PreprocessedCorpus.TrainingPurpose);
            writer.WriteNumber("recordings", summary.Recordings);
            writer.WriteNumber("segments", summary.Segments);
            writer.WriteNumber("hours", Math.Round(summary.Hours, 6));
            writer.WriteNumber("audio_seconds", Math.Round(summary.Audio.TotalSeconds, 3));
            writer.WriteNumber("reused", summary.Reused);
            writer.WriteStartArray("speakers");
            foreach (string speaker in summary.Speakers)
            {
                writer.WriteStringValue(speaker);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("skipped");
            foreach (SkippedRecording skip in summary.Skipped)
            {
                writer.WriteStartObject();
                writer.WriteString("source", skip.Source);
                writer.WriteString("reason", skip.Reason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("elapsed_seconds", Math.Round(summary.Elapsed.TotalSeconds, 3));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
