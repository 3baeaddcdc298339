using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using LeWm.Audio;
using LeWm.Audio.Mel;
using Microsoft.Extensions.Logging;

namespace LeWm.Inference;

/// <summary>
/// The LeWM text-to-speech engine: text → autoregressive latents (batched across concurrent callers, KV-cached in
/// the backend) → mel decoder → vocoder. It reaches the model and the vocoder only through <see cref="ISpeechModel"/>
/// and <see cref="IVocoder"/>, so any backend pair plugs in. Thread-safe.
/// </summary>
public sealed partial class TtsEngine : ITtsEngine
{
    private readonly ISpeechModel _model;
    private readonly IVocoder _vocoder;
    private readonly TtsEngineOptions _options;
    private readonly ILogger _logger;
    private readonly ModelGate _modelGate = new();
    private readonly GenerationScheduler _scheduler;
    private readonly TtsTelemetry _telemetry;
    private readonly MelSpectrogram _mel = new();
    private int _disposed;

    internal TtsEngine(ISpeechModel model, IVocoder vocoder, TtsEngineOptions options, ILogger logger)
    {
        _model = model;
        _vocoder = vocoder;
        _options = options;
        _logger = logger;
        SpeechModelInfo info = model.Info;
        if (vocoder.SampleRate != info.SampleRate || vocoder.MelBands != info.MelBands || vocoder.HopLength != info.HopLength)
        {
            throw new LeWmException(
                $"The vocoder ({vocoder.SampleRate} Hz, {vocoder.MelBands} bands, hop {vocoder.HopLength}) does not fit the model " +
                $"({info.SampleRate} Hz, {info.MelBands} bands, hop {info.HopLength}).");
        }

        if (options.DefaultSpeaker is int speaker && speaker >= info.Speakers.Count)
        {
            throw new ArgumentException(
                info.Speakers.Count == 0
                    ? $"TtsEngineOptions.DefaultSpeaker is {speaker}, but the model names no speakers (a single-speaker model): leave DefaultSpeaker null."
                    : $"TtsEngineOptions.DefaultSpeaker {speaker} is out of range: the model has speakers 0 to {info.Speakers.Count - 1}.",
                nameof(options));
        }

        _telemetry = new TtsTelemetry(() => _scheduler?.QueueLength ?? 0);
        _scheduler = new GenerationScheduler(model, _modelGate, options, _telemetry, logger);
    }

    /// <summary>Starts configuring an engine.</summary>
    /// <returns>A builder.</returns>
    public static TtsEngineBuilder CreateBuilder() => new();

    /// <summary>The name of the engine's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="ActivitySource"/>.</summary>
    public const string TelemetryName = TtsTelemetry.Name;

    /// <inheritdoc />
    public SpeechModelInfo Model => _model.Info;

    /// <inheritdoc />
    public int SampleRate => _vocoder.SampleRate;

    /// <summary>Gets the vocoder the engine uses.</summary>
    public IVocoder Vocoder => _vocoder;

    /// <inheritdoc />
    public async Task<SpeechResult> SynthesizeAsync(string text, SynthesisOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        options ??= new SynthesisOptions();
        options.Validate();
        IReadOnlyList<string> pieces = Prepare(text, options);
        long started = Stopwatch.GetTimestamp();
        using Activity? activity = TtsTelemetry.Source.StartActivity("lewm.synthesize");
        try
        {
            List<GenerationRequest> requests = [.. pieces.Select(p => Enqueue(p, options, cancellationToken))];
            var parts = new List<float[]>(requests.Count);
            TimeSpan decoderTime = TimeSpan.Zero, vocoderTime = TimeSpan.Zero, modelTime = TimeSpan.Zero, queued = TimeSpan.Zero;
            int frames = 0;
            bool stoppedByModel = true;
            foreach (GenerationRequest request in requests)
            {
                List<float[]> latents = await CollectAsync(request, options.Speed, cancellationToken).ConfigureAwait(false);
                stoppedByModel &= await request.Completion.Task.ConfigureAwait(false);
                frames += latents.Count;
                modelTime += request.Generation;
                queued += request.Queued;
                (float[] audio, TimeSpan decoder, TimeSpan vocoder) = await RenderAsync(latents, cancellationToken).ConfigureAwait(false);
                decoderTime += decoder;
                vocoderTime += vocoder;
                parts.Add(audio);
            }

            float[] joined = Join(parts, options.SentencePause);
            float[] samples = AudioPostProcessor.Apply(joined, SampleRate, options);
            var timings = new SpeechTimings(queued, modelTime, decoderTime, vocoderTime, Stopwatch.GetElapsedTime(started));
            var result = new SpeechResult(samples, options.OutputSampleRate ?? SampleRate, frames, stoppedByModel, timings);
            Record(result);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _telemetry.Failures.Add(1);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SpeechResult>> SynthesizeBatchAsync(
        IReadOnlyList<string> texts, SynthesisOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ThrowIfDisposed();
        options ??= new SynthesisOptions();
        options.Validate();
        for (int i = 0; i < texts.Count; i++)
        {
            try
            {
                Prepare(texts[i], options);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Text {i}: {e.Message}", nameof(texts), e);
            }
        }

        return await Task.WhenAll(texts.Select(t => SynthesizeAsync(t, options, cancellationToken))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> StreamAsync(
        string text, SynthesisOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        options ??= new SynthesisOptions();
        options.Validate();
        if (options.TrimSilence || options.NormalizeLoudnessDbfs is not null)
        {
            throw new ArgumentException("TrimSilence and NormalizeLoudnessDbfs need the whole utterance; use SynthesizeAsync, or stream without them.", nameof(options));
        }

        IReadOnlyList<string> pieces = Prepare(text, options);
        long started = Stopwatch.GetTimestamp();
        int outputRate = options.OutputSampleRate ?? SampleRate;
        long offset = 0;
        List<GenerationRequest> requests = [.. pieces.Select(p => Enqueue(p, options, cancellationToken))];
        for (int r = 0; r < requests.Count; r++)
        {
            var renderer = new StreamingRenderer(_model, _vocoder, _modelGate, _options);
            var scale = new LatentTimeScale(options.Speed);
            var pending = new List<float>();
            await foreach (float[] latent in requests[r].Latents.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (float[] scaled in scale.Add(latent))
                {
                    pending.AddRange(await renderer.AddAsync(scaled, cancellationToken).ConfigureAwait(false));
                }

                if (pending.Count > 0)
                {
                    AudioChunk chunk = Chunk(pending, outputRate, ref offset, isLast: false, started);
                    pending.Clear();
                    yield return chunk;
                }
            }

            foreach (float[] scaled in scale.Finish())
            {
                pending.AddRange(await renderer.AddAsync(scaled, cancellationToken).ConfigureAwait(false));
            }

            pending.AddRange(await renderer.FinishAsync(cancellationToken).ConfigureAwait(false));
            bool last = r == requests.Count - 1;
            if (!last)
            {
                pending.AddRange(new float[(int)(options.SentencePause.TotalSeconds * SampleRate)]);
            }

            yield return Chunk(pending, outputRate, ref offset, last, started);
        }
    }

    /// <inheritdoc />
    public async Task<VoicePrompt> CreateVoicePromptAsync(AudioClip clip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ThrowIfDisposed();
        AudioClip audio = clip.ResampleTo(Model.SampleRate);
        if (audio.Duration < TimeSpan.FromSeconds(0.5))
        {
            throw new ArgumentException($"A voice prompt needs at least 0.5 s of audio; this clip is {audio.Duration.TotalSeconds:0.###} s.", nameof(clip));
        }

        double rms = Math.Sqrt(audio.Samples.Span.ToArray().Average(s => (double)s * s));
        if (rms < 1e-4)
        {
            throw new ArgumentException($"The voice prompt is silent (RMS {20 * Math.Log10(Math.Max(rms, 1e-12)):0.#} dBFS).", nameof(clip));
        }

        LogMel mel = _mel.Compute(audio);
        LatentFrames latents = (await EncodeAsync(mel, nameof(clip), cancellationToken).ConfigureAwait(false))[0];
        return new VoicePrompt(latents, audio.Duration.TotalSeconds);
    }

    /// <inheritdoc />
    public async Task<SpeechResult> ReconstructAsync(AudioClip clip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ThrowIfDisposed();
        long started = Stopwatch.GetTimestamp();
        LogMel mel = _mel.Compute(clip.ResampleTo(Model.SampleRate));
        LatentFrames latents = (await EncodeAsync(mel, nameof(clip), cancellationToken).ConfigureAwait(false))[0];
        TimeSpan model = Stopwatch.GetElapsedTime(started);
        return await FinishDiagnosticAsync(latents, started, model, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SpeechResult> PredictAsync(AudioClip clip, string transcript, int? speaker = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ThrowIfDisposed();
        string text = ValidateText(transcript);
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        if (utf8.Length > Model.MaxTextBytes)
        {
            throw new ArgumentException($"The transcript is {utf8.Length} UTF-8 bytes; predict takes at most {Model.MaxTextBytes}.", nameof(transcript));
        }

        long started = Stopwatch.GetTimestamp();
        LogMel mel = _mel.Compute(clip.ResampleTo(Model.SampleRate));
        LatentFrames latents = (await EncodeAsync(mel, nameof(clip), cancellationToken).ConfigureAwait(false))[0];
        LatentFrames predicted;
        using (await _modelGate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            predicted = _model.Predict(new SpeechText(utf8, speaker ?? DefaultSpeaker), latents, cancellationToken);
        }

        TimeSpan model = Stopwatch.GetElapsedTime(started);
        return await FinishDiagnosticAsync(predicted, started, model, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting requests, lets the running batch finish, and frees the backends.</summary>
    /// <returns>A task that completes when everything is freed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _scheduler.DisposeAsync().ConfigureAwait(false);
        _vocoder.Dispose();
        _model.Dispose();
        _telemetry.Dispose();
        _modelGate.Dispose();
    }

    /// <summary>Disposes synchronously (see <see cref="DisposeAsync"/>).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private IReadOnlyList<string> Prepare(string text, SynthesisOptions options)
    {
        string normalized = ValidateText(text);
        if (SpeakerOf(options) is int speaker && (speaker < 0 || speaker >= Math.Max(Model.Speakers.Count, speaker + 1) || Model.Speakers.Count == 0))
        {
            throw new ArgumentException(
                Model.Speakers.Count == 0
                    ? $"Speaker {speaker} was asked for, but the model has a single speaker."
                    : $"Speaker {speaker} is out of range: the model has speakers 0 to {Model.Speakers.Count - 1}.",
                nameof(options));
        }

        if (options.VoicePrompt is VoicePrompt prompt && prompt.Latents.Size != Model.LatentSize)
        {
            throw new ArgumentException($"The voice prompt has latent size {prompt.Latents.Size}; the model's is {Model.LatentSize}.", nameof(options));
        }

        return TextSplitter.Split(normalized, Model.MaxTextBytes);
    }

    /// <summary>The request's speaker, or the engine's default speaker when the request names none.</summary>
    private int? SpeakerOf(SynthesisOptions options) => options.Speaker ?? DefaultSpeaker;

    /// <summary>The configured default speaker; speaker 0 of a multi-speaker model when none is configured.</summary>
    private int? DefaultSpeaker => _options.DefaultSpeaker ?? (Model.Speakers.Count > 0 ? 0 : null);

    private string ValidateText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > _options.MaxTextCharacters)
        {
            throw new ArgumentException(
                $"The text is {text.Length} characters; the engine takes at most {_options.MaxTextCharacters} per call (TtsEngineOptions.MaxTextCharacters).", nameof(text));
        }

        if (text.Any(char.IsSurrogate) && !IsWellFormedUtf16(text))
        {
            throw new ArgumentException("The text holds an unpaired surrogate, which has no UTF-8 form.", nameof(text));
        }

        string normalized = TextNormalizer.Normalize(text);
        if (normalized.Length == 0)
        {
            throw new ArgumentException("The text is empty or white space only.", nameof(text));
        }

        return normalized;
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private GenerationRequest Enqueue(string piece, SynthesisOptions options, CancellationToken cancellationToken)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(piece);
        int cap = options.ExactLatentFrames ?? (int)Math.Min(Model.LengthCap(utf8.Length), Math.Ceiling(Model.LengthCap(utf8.Length) * Math.Max(1.0, options.Speed)));
        var request = new GenerationRequest(
            new SpeechText(utf8, SpeakerOf(options)),
            options.VoicePrompt?.Latents,
            cap,
            options.ExactLatentFrames is not null,
            options.StopThreshold,
            options.Temperature ?? Model.DefaultTemperature,
            options.Seed ?? 0,
            cancellationToken);
        _scheduler.Enqueue(request);
        return request;
    }

    private static async Task<List<float[]>> CollectAsync(GenerationRequest request, double speed, CancellationToken cancellationToken)
    {
        var scale = new LatentTimeScale(speed);
        var latents = new List<float[]>();
        await foreach (float[] latent in request.Latents.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            latents.AddRange(scale.Add(latent));
        }

        latents.AddRange(scale.Finish());
        return latents;
    }

    private async Task<(float[] Audio, TimeSpan Decoder, TimeSpan Vocoder)> RenderAsync(List<float[]> latents, CancellationToken cancellationToken)
    {
        int l = Model.LatentSize;
        var values = new float[latents.Count * l];
        for (int i = 0; i < latents.Count; i++)
        {
            latents[i].CopyTo(values, i * l);
        }

        return await RenderAsync(new LatentFrames(values, latents.Count, l), cancellationToken).ConfigureAwait(false);
    }

    private async Task<(float[] Audio, TimeSpan Decoder, TimeSpan Vocoder)> RenderAsync(LatentFrames latents, CancellationToken cancellationToken)
    {
        long began = Stopwatch.GetTimestamp();
        LogMel mel;
        using (await _modelGate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            mel = _model.DecodeLatents([latents], cancellationToken)[0];
        }

        TimeSpan decoder = Stopwatch.GetElapsedTime(began);
        began = Stopwatch.GetTimestamp();
        float[] audio = (await _vocoder.VocodeAsync([mel], cancellationToken).ConfigureAwait(false))[0];
        return (audio, decoder, Stopwatch.GetElapsedTime(began));
    }

    private async Task<IReadOnlyList<LatentFrames>> EncodeAsync(LogMel mel, string parameter, CancellationToken cancellationToken)
    {
        if (mel.Frames > Model.MaxMelFrames)
        {
            throw new ArgumentException(
                $"The audio is {mel.Frames} mel frames ({mel.Frames * Model.HopLength / (double)Model.SampleRate:0.#} s); the model encodes at most {Model.MaxMelFrames}.", parameter);
        }

        using (await _modelGate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            return _model.EncodeAudio([mel], cancellationToken);
        }
    }

    private async Task<SpeechResult> FinishDiagnosticAsync(LatentFrames latents, long started, TimeSpan model, CancellationToken cancellationToken)
    {
        (float[] audio, TimeSpan decoder, TimeSpan vocoder) = await RenderAsync(latents, cancellationToken).ConfigureAwait(false);
        var timings = new SpeechTimings(TimeSpan.Zero, model, decoder, vocoder, Stopwatch.GetElapsedTime(started));
        return new SpeechResult(audio, SampleRate, latents.Frames, StoppedByModel: false, timings);
    }

    private float[] Join(List<float[]> parts, TimeSpan pause)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        int gap = (int)(pause.TotalSeconds * SampleRate);
        var joined = new float[parts.Sum(p => p.Length) + (gap * (parts.Count - 1))];
        int at = 0;
        foreach (float[] part in parts)
        {
            part.CopyTo(joined, at);
            at += part.Length + gap;
        }

        return joined;
    }

    private AudioChunk Chunk(List<float> pending, int outputRate, ref long offset, bool isLast, long started)
    {
        float[] samples = [.. pending];
        if (outputRate != SampleRate && samples.Length > 0)
        {
            samples = LeWm.Audio.Dsp.Resampler.Resample(samples, SampleRate, outputRate);
        }

        var chunk = new AudioChunk(samples, outputRate, offset, isLast, Stopwatch.GetElapsedTime(started));
        offset += samples.Length;
        return chunk;
    }

    private void Record(SpeechResult result)
    {
        _telemetry.Requests.Add(1);
        _telemetry.AudioSeconds.Add(result.Duration.TotalSeconds);
        _telemetry.RealTimeFactor.Record(result.Timings.RealTimeFactor(result.Duration));
        LogSynthesized(_logger, result.Duration.TotalSeconds, result.Timings.Total.TotalMilliseconds, result.LatentFrames);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Synthesized {Seconds:0.00} s of audio in {Milliseconds:0} ms ({Frames} latent frames).")]
    private static partial void LogSynthesized(ILogger logger, double seconds, double milliseconds, int frames);
}
