using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeWm.Samples.WebApp;
using Xunit.Abstractions;

namespace LeWm.WebApp.Tests;

/// <summary>
/// A bounded load test against the web sample in its own process on loopback: 300 requests, 8 at a time, a quarter
/// of them bad. No 5xx, every bad request a 4xx, every good one a WAV, the server's working set under 2 GB
/// throughout. Throughput and latency go to <c>artifacts/test-results/webapp-load.json</c>.
/// </summary>
public sealed partial class LoadTests(ITestOutputHelper output)
{
    /// <summary>The results file the test leaves in <c>artifacts/test-results/</c>.</summary>
    public const string ResultsName = "webapp-load.json";

    private const int Requests = 300;
    private const int Concurrency = 8;
    private const long MemoryLimitBytes = 2L * 1024 * 1024 * 1024;

    private static readonly string[] s_texts = ["नमस्ते", "धन्यवाद", "आप कैसे हैं?", "शुभ प्रभात", "बहुत अच्छा", "फिर मिलेंगे"];
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
    private static readonly string[] s_speakers = ["hi", "hi-f2", "hi-f3", "hi-m1", "hi-m3"];

    private enum Kind
    {
        Good,
        EmptyText,
        OverLongText,
        InvalidJson,
    }

    [Fact]
    public async Task MixedLoad_300RequestsAt8Concurrent_NoServerErrorsAndUnder2GB()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        using Process server = await StartServerAsync(deadline.Token);
        try
        {
            await RunAsync(server, deadline.Token);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    private async Task RunAsync(Process server, CancellationToken cancellationToken)
    {
        Uri address = s_address ?? throw new InvalidOperationException("The server did not say where it listens.");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(3) };

        // Warm the server (first-request JIT) so the figures describe steady service.
        using (HttpResponseMessage warm = await client.PostAsync("api/tts", Json(Kind.Good, 0), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        long peakWorkingSet = 0;
        int memorySamples = 0;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                server.Refresh();
                Assert.False(server.HasExited, "The server process exited during the load test.");
                peakWorkingSet = Math.Max(peakWorkingSet, server.WorkingSet64);
                memorySamples++;
                try
                {
                    await Task.Delay(100, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);

        var results = new (Kind Kind, int Status, double Milliseconds, bool IsWav)[Requests];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Requests),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                Kind kind = (i % 4) switch { 3 => (Kind)(1 + (i / 4 % 3)), _ => Kind.Good };
                long started = Stopwatch.GetTimestamp();
                using HttpResponseMessage response = await client.PostAsync("api/tts", Json(kind, i), ct);
                byte[] body = await response.Content.ReadAsByteArrayAsync(ct);
                double milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                results[i] = (kind, (int)response.StatusCode, milliseconds, body.AsSpan().StartsWith("RIFF"u8));
            });
        double seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;

        using (HttpResponseMessage health = await client.GetAsync("healthz", cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        double[] all = [.. results.Select(r => r.Milliseconds).Order()];
        double[] good = [.. results.Where(r => r.Kind == Kind.Good).Select(r => r.Milliseconds).Order()];
        var report = new
        {
            requests = Requests,
            concurrency = Concurrency,
            badRequests = results.Count(r => r.Kind != Kind.Good),
            seconds = Math.Round(seconds, 2),
            throughputRequestsPerSecond = Math.Round(Requests / seconds, 2),
            latencyP50Ms = Math.Round(Percentile(all, 0.50), 1),
            latencyP95Ms = Math.Round(Percentile(all, 0.95), 1),
            goodLatencyP50Ms = Math.Round(Percentile(good, 0.50), 1),
            goodLatencyP95Ms = Math.Round(Percentile(good, 0.95), 1),
            peakWorkingSetMiB = Math.Round(peakWorkingSet / (1024.0 * 1024.0), 1),
            memorySamples,
            statuses = results.GroupBy(r => r.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Count()),
            processorCount = Environment.ProcessorCount,
            limits = new WebAppLimits(),
        };
        string json = JsonSerializer.Serialize(report, s_indented);
        string path = TestArtifacts.Write(ResultsName, Encoding.UTF8.GetBytes(json));
        output.WriteLine($"{path}:{Environment.NewLine}{json}");

        Assert.All(results, r => Assert.True(r.Status < 500, $"A {r.Kind} request answered {r.Status}."));
        Assert.All(results.Where(r => r.Kind != Kind.Good), r => Assert.InRange(r.Status, 400, 499));
        Assert.All(results.Where(r => r.Kind == Kind.Good), r => Assert.True(r.Status == 200 && r.IsWav, $"A good request answered {r.Status}."));
        Assert.True(memorySamples > 0, "The server's memory was never sampled.");
        Assert.True(peakWorkingSet < MemoryLimitBytes, $"The server's working set peaked at {peakWorkingSet / (1024 * 1024)} MiB.");
    }

    private static StringContent Json(Kind kind, int index)
    {
        string text = s_texts[index % s_texts.Length];
        string speaker = s_speakers[index % s_speakers.Length];
        string body = kind switch
        {
            Kind.Good => JsonSerializer.Serialize(new { text, speaker }),
            Kind.EmptyText => "{\"text\": \"\"}",
            Kind.OverLongText => JsonSerializer.Serialize(new { text = new string('क', new WebAppLimits().MaxTextCharacters + 1) }),
            _ => "{\"text\": \"नमस्ते\", \"speaker\": ",
        };
        return new StringContent(body, Encoding.UTF8, "application/json");
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static Uri? s_address;

    private async Task<Process> StartServerAsync(CancellationToken cancellationToken)
    {
        // The sample's WebApp.dll (with its runtimeconfig and the voice folder) is copied here by the project reference.
        string app = Path.Combine(AppContext.BaseDirectory, "WebApp.dll");
        Assert.True(File.Exists(app), $"The web sample is missing: {app}");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { app, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information" })
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        Process server = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dotnet} {app}.");
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("The server's output ended before it listened."));
                return;
            }

            Match match = ListeningLine().Match(e.Data);
            if (match.Success)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
            }
        };
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.WriteLine($"server: {e.Data}");
            }
        };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            s_address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        }
        catch
        {
            server.Kill(entireProcessTree: true);
            server.Dispose();
            throw;
        }

        return server;
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
