using System.Net;
using System.Text;

namespace LeWm.WebApp.Tests;

/// <summary>The app with a tiny per-client budget: requests over it answer 429 with a ProblemDetails body.</summary>
public sealed class RateLimitingTests : IAsyncLifetime
{
    private StartedWebApp? _app;

    private HttpClient Client => _app?.Client ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync() => _app = await StartedWebApp.StartAsync(["--Limits:PermitsPerClient=2", "--Limits:PermitsPerClientPerSecond=1"]);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task PostTts_OverTheClientBudget_Answers429ProblemDetailsWithRetryAfter()
    {
        // Six requests at once against a bucket of two that refills one per second: at least three are refused.
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Client.PostAsync("api/tts", new StringContent("{ not json", Encoding.UTF8, "application/json"))));
        try
        {
            HttpResponseMessage[] refused = [.. responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests)];
            Assert.True(refused.Length >= 3, $"Statuses: {string.Join(", ", responses.Select(r => (int)r.StatusCode))}");
            Assert.All(responses.Except(refused), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
            string detail = await ProblemAssert.IsProblemAsync(refused[0], 429);
            Assert.Contains("2 requests in a burst", detail, StringComparison.Ordinal);
            Assert.True(refused[0].Headers.RetryAfter?.Delta > TimeSpan.Zero, "A 429 should say when to retry.");
        }
        finally
        {
            foreach (HttpResponseMessage response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task GetHealthz_OverTheClientBudget_IsNotLimited()
    {
        for (int i = 0; i < 8; i++)
        {
            using HttpResponseMessage response = await Client.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
