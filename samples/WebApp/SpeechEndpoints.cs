using LeWm.Audio;
using LeWm.Audio.Wav;
using LeWm.Inference;
using Microsoft.Extensions.Options;

namespace LeWm.Samples.WebApp;

/// <summary>The HTTP API: speech as WAV (whole or streamed), the voice's speakers, and spectrogram images.</summary>
internal static partial class SpeechEndpoints
{
    /// <summary>Maps <c>POST /api/tts</c>, <c>GET /api/tts/stream</c>, <c>GET /api/speakers</c> and <c>POST /api/spectrogram</c>.</summary>
    /// <param name="endpoints">The app.</param>
    public static void MapSpeechApi(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api");
        api.MapPost("/tts", SynthesizeAsync);
        api.MapGet("/tts/stream", StreamAsync);
        api.MapGet("/speakers", (ITtsEngine engine) => Results.Ok(engine.Model.Speakers));
        api.MapPost("/spectrogram", SpectrogramAsync);
    }

    /// <summary><c>POST /api/tts</c>: speaks <c>{ "text", "speaker"?, "speed"? }</c> and answers the whole utterance as a 16-bit WAV.</summary>
    private static async Task<IResult> SynthesizeAsync(HttpContext context, SpeechRequestReader reader, ITtsEngine engine)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        SpeechRequest request = await reader.ReadJsonAsync(context.Request, cancellationToken).ConfigureAwait(false);
        SpeechResult speech = await engine.SynthesizeAsync(request.Text, request.ToOptions(), cancellationToken).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(speech.ToWavBytes(WavSampleFormat.Pcm16), "audio/wav");
    }

    /// <summary>
    /// <c>GET /api/tts/stream?text=…&amp;speaker=…&amp;speed=…</c>: a chunked 16-bit WAV written while the engine generates
    /// it (one write per <see cref="AudioChunk"/>). Problems found before the first chunk answer 400/500 as ProblemDetails;
    /// a failure after audio has gone out can only cut the stream.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, SpeechRequestReader reader, ITtsEngine engine, ILoggerFactory loggers)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        SpeechRequest request = reader.ReadQuery(context.Request.Query);
        IAsyncEnumerator<AudioChunk> chunks = engine.StreamAsync(request.Text, request.ToOptions(), cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (chunks.ConfigureAwait(false))
        {
            // The first chunk comes before any byte of the answer, so its failures still get a ProblemDetails body.
            bool more = await chunks.MoveNextAsync().ConfigureAwait(false);
            HttpResponse response = context.Response;
            response.ContentType = "audio/wav";
            response.Headers.CacheControl = "no-store";
            int sampleRate = more ? chunks.Current.SampleRate : engine.SampleRate;
            await response.Body.WriteAsync(StreamingWav.Header(sampleRate), cancellationToken).ConfigureAwait(false);
            try
            {
                while (more)
                {
                    AudioChunk chunk = chunks.Current;
                    byte[] pcm = new byte[chunk.Samples.Length * 2];
                    StreamingWav.ToPcm16(chunk.Samples, pcm);
                    await response.Body.WriteAsync(pcm, cancellationToken).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    more = await chunks.MoveNextAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client went away; disposing the enumerator stops the engine's work on this request.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Audio has gone out, so no status can be sent any more: log it and cut the stream, which tells the
                // client the WAV is incomplete.
                LogStreamFailure(loggers.CreateLogger(typeof(SpeechEndpoints)), e);
                context.Abort();
            }
        }
    }

    /// <summary><c>POST /api/spectrogram</c> (body: a WAV file): the log-mel spectrogram of the audio as a PNG.</summary>
    private static async Task<IResult> SpectrogramAsync(HttpContext context, SpectrogramRenderer renderer, IOptions<WebAppLimits> limits)
    {
        byte[] body = await RequestBody.ReadAsync(context.Request, limits.Value.MaxSpectrogramBodyBytes, context.RequestAborted).ConfigureAwait(false);
        AudioClip clip;
        using (var stream = new MemoryStream(body, writable: false))
        {
            clip = WavReader.Read(stream);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(renderer.RenderPng(clip), "image/png");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A speech stream failed after its audio had started; the connection was cut")]
    private static partial void LogStreamFailure(ILogger logger, Exception exception);
}
