using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LeWm.WebApp.Tests;

/// <summary>
/// The page in a real browser: Debian's chromium (<c>/usr/bin/chromium</c>, or <c>LEWM_CHROMIUM</c>) driven by
/// Playwright's bundled driver; nothing is downloaded. ./test.sh installs chromium when it is missing.
/// </summary>
[Collection(SharedWebApp.Name)]
public sealed class BrowserTests(WebAppServer server, ITestOutputHelper output)
{
    /// <summary>The screenshot the test leaves in <c>artifacts/test-results/</c>.</summary>
    public const string ScreenshotName = "webapp.png";

    [Fact]
    public async Task SpeakButton_HindiText_LoadsAudioAndSpectrogram()
    {
        string chromium = Environment.GetEnvironmentVariable("LEWM_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"No browser at {chromium}: install Debian's chromium package (./test.sh does) or set LEWM_CHROMIUM.");

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // Root in a container has no user namespace for chromium's sandbox.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            Timeout = 120_000,
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 760 } });
        var pageErrors = new List<string>();
        page.PageError += (_, error) => pageErrors.Add(error);

        await page.GotoAsync(server.BaseAddress.ToString());
        await page.Locator("#speaker option[value='hi-f2']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#speaker", "hi-f2");
        await page.FillAsync("#text", "नमस्ते, आज मौसम बहुत अच्छा है।");
        await page.ClickAsync("#speak");
        await page.WaitForFunctionAsync(
            """
            () => {
              const audio = document.getElementById('player');
              const image = document.getElementById('spectrogram');
              return audio.readyState >= 1 && Number.isFinite(audio.duration) && audio.duration > 0
                && image.complete && image.naturalWidth > 0;
            }
            """,
            null,
            new PageWaitForFunctionOptions { Timeout = 180_000, PollingInterval = 250 });

        double duration = await page.EvaluateAsync<double>("document.getElementById('player').duration");
        int width = await page.EvaluateAsync<int>("document.getElementById('spectrogram').naturalWidth");
        int height = await page.EvaluateAsync<int>("document.getElementById('spectrogram').naturalHeight");
        string status = await page.InnerTextAsync("#status");
        string path = Path.Combine(TestArtifacts.Folder, ScreenshotName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"audio {duration:F2} s, spectrogram {width}×{height}, status '{status}', screenshot {path}");

        Assert.True(duration > 0.3, $"The audio lasts {duration} s.");
        Assert.Equal(200, height);
        Assert.Equal(Math.Min(1 + (int)(duration * 24_000 / 256), 1200), width, tolerance: 1);
        Assert.StartsWith("Spoken in", status, StringComparison.Ordinal);
        Assert.Empty(pageErrors);
        Assert.True(new FileInfo(path).Length > 1000, "The screenshot is missing or empty.");
    }
}
