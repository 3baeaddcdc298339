using System.Diagnostics;
using LeWm.Audio;
using LeWm.Inference;
using LeWm.Model.Config;
using LeWm.Training;
using LeWm.Training.Preprocessing;
using TrainYourVoice;

// corpus → preprocess → train the tiny model → speak with it. Uses the library APIs (no CLI).
SampleArguments arguments;
long started = Stopwatch.GetTimestamp();
try
{
    arguments = SampleArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(SampleArguments.Usage);
    return 2;
}

// Ctrl+C stops training early; the last checkpoint is saved and still speaks.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    string work = Path.GetFullPath(arguments.WorkDirectory);
    string corpus = arguments.Corpus is null ? Path.Combine(work, "corpus") : Path.GetFullPath(arguments.Corpus);
    string data = Path.Combine(work, "data");
    string run = Path.Combine(work, "run");

    // 1. A corpus: espeak-ng reads sentences.txt, unless you bring your own recordings with --corpus.
    if (arguments.Corpus is null)
    {
        string[] sentences = [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "sentences.txt")).Where(line => line.Length > 0)];
        Console.WriteLine($"[1/4] Recording {sentences.Length} sentences with espeak-ng (voice '{EspeakCorpus.Voice}') into {corpus}");
        await EspeakCorpus.CreateAsync(corpus, sentences, new InlineProgress<int>(done =>
        {
            if (done % 8 == 0 || done == sentences.Length)
            {
                Console.WriteLine($"      {done}/{sentences.Length} recordings");
            }
        }), stop.Token);
    }
    else
    {
        Console.WriteLine($"[1/4] Using your recordings in {corpus}");
    }

    // 2. Preprocess: resample to 24 kHz, cut long recordings at pauses, compute log-mels, write the manifest.
    Console.WriteLine($"[2/4] Preprocessing into {data}");
    PreprocessingSummary summary = await new Preprocessor(new PreprocessorOptions { InputDirectory = corpus, OutputDirectory = data })
        .RunAsync(
            new InlineProgress<PreprocessingProgress>(p =>
            {
                if (p.RecordingsDone % 8 == 0 || p.RecordingsDone == p.RecordingsTotal)
                {
                    Console.WriteLine($"      {p.RecordingsDone}/{p.RecordingsTotal} recordings, {p.Segments} segments, {p.Audio.TotalSeconds:0.0} s of audio");
                }
            }),
            stop.Token);
    Console.WriteLine($"      {summary.Segments} segments ({summary.Audio.TotalSeconds:0.0} s) from {summary.Recordings} recordings, {summary.Skipped.Count} skipped, in {summary.Elapsed.TotalSeconds:0.0} s");

    // 3. Train the tiny preset (1.6 M parameters) from scratch. A new run each time: the previous one is removed.
    if (Directory.Exists(run))
    {
        Directory.Delete(run, recursive: true);
    }

    int steps = arguments.Steps;
    int logEvery = Math.Max(1, steps / 20);
    Console.WriteLine($"[3/4] Training the tiny model for {steps} steps into {run} (Ctrl+C stops early and keeps what was learnt)");
    var trainer = new Trainer(
        new TrainerOptions
        {
            DataPath = data,
            OutputDirectory = run,
            Config = LeWmConfig.Tiny,
            Steps = steps,
            BatchFrames = 1600,
            LearningRate = 2e-3,
            WarmupSteps = Math.Min(50, steps / 10),
            ValidateEvery = Math.Max(25, steps / 4),
            SaveEvery = steps,
            LogEvery = logEvery,
            TensorBoard = false,
        },
        message => Console.WriteLine($"      {message}"));
    TrainingResult result = await trainer.RunAsync(
        new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Step % logEvery == 0 || p.Step == p.TotalSteps || p.Validation is not null)
            {
                TrainingLossValues l = p.Losses;
                string validation = p.Validation is null ? string.Empty : $"  validation {p.Validation.Total:0.000}";
                Console.WriteLine(
                    $"      step {p.Step,5}/{p.TotalSteps}  loss {l.Total:0.000} (prediction {l.Prediction:0.000}, recon {l.Recon:0.000}, spectral {l.Spectral:0.000}, stop {l.Stop:0.000})  {p.StepsPerSecond:0.0} steps/s{validation}");
            }
        }),
        stop.Token);
    string checkpoint = result.BestDirectory ?? result.LastDirectory;
    Console.WriteLine(
        $"      {result.StepsThisRun} steps in {result.Elapsed.TotalSeconds:0.0} s{(result.Cancelled ? " (stopped early)" : string.Empty)}: loss {result.FirstLoss:0.000} -> {result.FinalLoss:0.000}; speaking with {checkpoint}");

    // 4. Speak with the trained model (the TorchSharp backend, LeWm.Model's UseModel).
    Console.WriteLine($"[4/4] Synthesizing \"{arguments.Text}\"");
    await using (TtsEngine tts = TtsEngine.CreateBuilder().UseModel(checkpoint).Build())
    {
        SpeechResult speech = await tts.SynthesizeAsync(arguments.Text, cancellationToken: CancellationToken.None);
        await speech.SaveWavAsync(arguments.Output, CancellationToken.None);
        Console.WriteLine(
            $"      Wrote {Path.GetFullPath(arguments.Output)}: {speech.Duration.TotalSeconds:0.00} s at {speech.SampleRate} Hz ({speech.LatentFrames} latent frames, {(speech.StoppedByModel ? "stopped by the model" : "stopped at the length cap: train longer")})");
    }
}
catch (Exception e) when (e is LeWmException or InvalidOperationException or IOException or UnauthorizedAccessException)
{
    // A missing espeak-ng or corpus folder, unusable recordings, an unwritable output: say what, without a stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Stopped before training started.");
    return 130;
}

Console.WriteLine($"Done in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s.");
return 0;
