using System.Net;
using System.Net.Http.Json;
using LeWm.Inference;
using Microsoft.Extensions.DependencyInjection;

namespace LeWm.WebApp.Tests;

/// <summary>The app with an engine that throws: every failure becomes an answer, and the server keeps serving.</summary>
public sealed class EngineFailureTests : IAsyncLifetime
{
    private StartedWebApp? _app;

    private HttpClient Client => _app?.Client ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync() => _app = await StartedWebApp.StartAsync(
            ["--Logging:LogLevel:Default=None"],
            builder => builder.Services.AddSingleton<ITtsEngine>(new FailingEngine()));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task PostTts_EngineThrows_Answers500ProblemDetailsWithoutInternalsAndKeepsServing()
    {
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await Client.PostAsJsonAsync("api/tts", new { text = "नमस्ते" });
            string detail = await ProblemAssert.IsProblemAsync(response, 500);
            Assert.DoesNotContain("0xDEAD", detail, StringComparison.Ordinal);
        }

        using HttpResponseMessage health = await Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task PostTts_EngineRefusesArgument_Answers400ProblemDetails()
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("api/tts", new { text = "argument" });

        string detail = await ProblemAssert.IsProblemAsync(response, 400);
        Assert.Contains("The engine refused this text.", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStream_EngineThrowsBeforeAudio_Answers500ProblemDetails()
    {
        using HttpResponseMessage response = await Client.GetAsync("api/tts/stream?text=early");

        await ProblemAssert.IsProblemAsync(response, 500);
    }

    [Fact]
    public async Task GetStream_EngineThrowsAfterAudio_CutsTheStreamAndKeepsServing()
    {
        // The cut may reach the client while it reads the headers or the body; either way it must not look complete.
        Exception? failure = await Record.ExceptionAsync(async () =>
        {
            using HttpResponseMessage response = await Client.GetAsync("api/tts/stream?text=late", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsByteArrayAsync();
        });

        Assert.True(failure is HttpRequestException or IOException, $"Reading a cut stream should fail; got {failure?.GetType().Name ?? "no exception"}.");
        using HttpResponseMessage health = await Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
