using System.Globalization;
using System.Threading.RateLimiting;
using LeWm.Audio.Mel;
using LeWm.Inference;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace LeWm.Samples.WebApp;

/// <summary>Builds the web app: the engine from dependency injection, the API, the page, limits and rate limiting.</summary>
public static class TtsWebApplication
{
    /// <summary>Builds the app with the shipped Hindi voice, ready to run; the engine is built (the voice loaded) before it returns.</summary>
    /// <param name="args">Command-line arguments (e.g. <c>--urls http://127.0.0.1:5000</c>, <c>--Limits:MaxTextCharacters=800</c>).</param>
    /// <param name="configure">
    /// Changes the builder before the app's own services are added (tests use it for configuration and to register
    /// another <see cref="ITtsEngine"/>, which then replaces the shipped voice's); null for none.
    /// </param>
    /// <returns>The app; run it with <c>RunAsync</c>, or <c>StartAsync</c> and stop it later.</returns>
    /// <exception cref="OptionsValidationException">A limit in the configuration is out of range.</exception>
    /// <exception cref="FileNotFoundException">The voice's files are missing next to the app.</exception>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the app, wherever it is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);
        AddServices(builder);

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapGet("/", () => Results.Bytes(IndexPage.Html, "text/html; charset=utf-8")).DisableRateLimiting();
        app.MapHealthChecks("/healthz").DisableRateLimiting();
        app.MapSpeechApi();

        // Build the engine now: a missing voice stops the app at start, and the first request is not slow.
        _ = app.Services.GetRequiredService<ITtsEngine>();
        _ = app.Services.GetRequiredService<IOptions<WebAppLimits>>().Value;
        return app;
    }

    private static void AddServices(WebApplicationBuilder builder)
    {
        IServiceCollection services = builder.Services;
        services.AddOptions<WebAppLimits>().Bind(builder.Configuration.GetSection(WebAppLimits.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebAppLimits>, WebAppLimitsValidator>();

        // One engine for the whole app, so concurrent requests share its batching queue.
        IConfigurationSection engineSection = builder.Configuration.GetSection("LeWmTts");
        services.AddLeWmTts(options => engineSection.Bind(options), tts => tts.UseDefaultVoice());

        services.AddSingleton(new MelSpectrogram());
        services.AddSingleton<SpectrogramRenderer>();
        services.AddSingleton<SpeechRequestReader>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine");
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<WebAppLimits>>((options, limits) => ConfigureRateLimiting(options, limits.Value));

        // Kestrel's own cap sits just above the largest body an endpoint reads; the endpoints answer 400 before it.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<WebAppLimits>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = Math.Max(limits.Value.MaxRequestBodyBytes, limits.Value.MaxSpectrogramBodyBytes) + 1L);
    }

    private static void ConfigureRateLimiting(RateLimiterOptions options, WebAppLimits limits)
    {
        // Every API request takes a token from its client's bucket (by remote address) and a slot of the shared
        // concurrency limit (queued while the slots are busy). Either refusal answers 429.
        PartitionedRateLimiter<HttpContext> perClient = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            RateLimitPartition.GetTokenBucketLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.PermitsPerClient,
                    TokensPerPeriod = limits.PermitsPerClientPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        PartitionedRateLimiter<HttpContext> shared = PartitionedRateLimiter.Create<HttpContext, string>(_ =>
            RateLimitPartition.GetConcurrencyLimiter(
                "api",
                _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = limits.MaxConcurrentRequests,
                    QueueLimit = limits.MaxQueuedRequests,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(perClient, shared);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, cancellationToken) =>
        {
            HttpContext http = context.HttpContext;
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter))
            {
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"The limits are {limits.PermitsPerClient} requests in a burst and {limits.PermitsPerClientPerSecond} per second per client, "
                        + $"{limits.MaxConcurrentRequests} at once for all clients with {limits.MaxQueuedRequests} waiting. Try again later.",
                },
            });
        };
    }
}
