namespace LeWm.Samples.WebApp;

/// <summary>
/// The web app's input limits and rate limits, bound from the configuration section <c>Limits</c>
/// (<c>appsettings.json</c>, environment variables such as <c>Limits__MaxTextCharacters=800</c>, or the command line).
/// </summary>
public sealed class WebAppLimits
{
    /// <summary>The configuration section the limits are read from.</summary>
    public const string SectionName = "Limits";

    /// <summary>Gets or sets the longest text one request may speak, in UTF-16 characters (default 500).</summary>
    public int MaxTextCharacters { get; set; } = 500;

    /// <summary>Gets or sets the largest JSON body <c>POST /api/tts</c> accepts, in bytes (default 16 KiB).</summary>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Gets or sets the largest WAV body <c>POST /api/spectrogram</c> accepts, in bytes (default 8 MiB, about 170 s of 16-bit 24 kHz audio).</summary>
    public int MaxSpectrogramBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Gets or sets the burst each client (remote IP address) may send before it is limited (token bucket size; default 100).</summary>
    public int PermitsPerClient { get; set; } = 100;

    /// <summary>Gets or sets the sustained requests per second each client is allowed (token bucket refill; default 20).</summary>
    public int PermitsPerClientPerSecond { get; set; } = 20;

    /// <summary>Gets or sets the most API requests served at once over all clients (default 16).</summary>
    public int MaxConcurrentRequests { get; set; } = 16;

    /// <summary>Gets or sets the most API requests waiting for one of the <see cref="MaxConcurrentRequests"/> slots (default 64); more answer 429.</summary>
    public int MaxQueuedRequests { get; set; } = 64;

    /// <summary>Lists every value that is out of range.</summary>
    /// <returns>The problems; empty when the limits are valid.</returns>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxTextCharacters < 1)
        {
            problems.Add($"Limits:MaxTextCharacters must be positive (got {MaxTextCharacters}).");
        }

        // A JSON body must be able to carry the longest text, each character escaped as \uXXXX.
        int smallestBody = (6 * Math.Max(MaxTextCharacters, 1)) + 256;
        if (MaxRequestBodyBytes < smallestBody)
        {
            problems.Add($"Limits:MaxRequestBodyBytes must be at least {smallestBody} to carry a text of MaxTextCharacters escaped as JSON (got {MaxRequestBodyBytes}).");
        }

        if (MaxSpectrogramBodyBytes < 1024)
        {
            problems.Add($"Limits:MaxSpectrogramBodyBytes must be at least 1024 (got {MaxSpectrogramBodyBytes}).");
        }

        if (PermitsPerClient < 1 || PermitsPerClientPerSecond < 1)
        {
            problems.Add($"Limits:PermitsPerClient and Limits:PermitsPerClientPerSecond must be positive (got {PermitsPerClient} and {PermitsPerClientPerSecond}).");
        }

        if (MaxConcurrentRequests < 1 || MaxQueuedRequests < 0)
        {
            problems.Add($"Limits:MaxConcurrentRequests must be positive and Limits:MaxQueuedRequests zero or more (got {MaxConcurrentRequests} and {MaxQueuedRequests}).");
        }

        return problems;
    }
}
