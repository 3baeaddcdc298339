using LeWm.Samples.WebApp;
using Microsoft.AspNetCore.Builder;

namespace LeWm.WebApp.Tests;

/// <summary>The web sample running in this process on Kestrel at 127.0.0.1 with a free port, and a client for it.</summary>
internal sealed class StartedWebApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StartedWebApp(WebApplication app, Uri address)
    {
        _app = app;
        BaseAddress = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(3) };
    }

    /// <summary>Gets the server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets a client whose base address is the server's.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts the web sample on a free loopback port.</summary>
    /// <param name="args">Extra command-line arguments (configuration such as <c>--Limits:PermitsPerClient=2</c>).</param>
    /// <param name="configure">Changes the builder before the app's services are added; null for none.</param>
    /// <returns>The running app.</returns>
    public static async Task<StartedWebApp> StartAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        string[] all = ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. args];
        WebApplication app = TtsWebApplication.Create(all, configure);
        await app.StartAsync();
        string address = app.Urls.Single();
        return new StartedWebApp(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
