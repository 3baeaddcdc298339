namespace LeWm.WebApp.Tests;

/// <summary>The web sample with the shipped voice, started once for a group of tests (<see cref="SharedWebApp"/>).</summary>
public sealed class WebAppServer : IAsyncLifetime
{
    private StartedWebApp? _started;

    /// <summary>Gets the server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => Started.BaseAddress;

    /// <summary>Gets a client whose base address is the server's.</summary>
    public HttpClient Client => Started.Client;

    private StartedWebApp Started => _started ?? throw new InvalidOperationException("The server has not started.");

    /// <inheritdoc/>
    public async Task InitializeAsync() => _started = await StartedWebApp.StartAsync([]);

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_started is not null)
        {
            await _started.DisposeAsync();
        }
    }
}
