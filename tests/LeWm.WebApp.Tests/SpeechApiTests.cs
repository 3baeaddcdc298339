using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeWm.Audio;
using LeWm.Audio.Wav;
using LeWm.Inference;
using LeWm.Samples.WebApp;
using LeWm.Voices.Hindi;

namespace LeWm.WebApp.Tests;

[Collection(SharedWebApp.Name)]
public sealed class SpeechApiTests(WebAppServer server)
{
    private const string Hindi = "नमस्ते, आप कैसे हैं?";

    private HttpClient Client => server.Client;

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { "", "empty" },
        { "{\"text\": \"नमस्ते\"", "not valid JSON" },
        { "[\"नमस्ते\"]", "must be a JSON object" },
        { "{}", "\"text\" is required" },
        { "{\"text\": \"\"}", "\"text\" is required" },
        { "{\"text\": \"   \"}", "\"text\" is required" },
        { "{\"text\": 5}", "\"text\" must be a string" },
        { "{\"text\": \"" + new string('क', new WebAppLimits().MaxTextCharacters + 1) + "\"}", "the limit is 500" },
        { "{\"text\": \"नमस्ते\", \"speaker\": \"nobody\"}", "Unknown speaker 'nobody'" },
        { "{\"text\": \"नमस्ते\", \"speaker\": \"7\"}", "Unknown speaker id 7" },
        { "{\"text\": \"नमस्ते\", \"speaker\": 99}", "Unknown speaker id 99" },
        { "{\"text\": \"नमस्ते\", \"speaker\": 1.5}", "\"speaker\" must be" },
        { "{\"text\": \"नमस्ते\", \"speed\": 0}", "Speed must be in [0.25, 4]" },
        { "{\"text\": \"नमस्ते\", \"speed\": 10}", "Speed must be in [0.25, 4]" },
        { "{\"text\": \"नमस्ते\", \"speed\": \"fast\"}", "\"speed\" must be a number" },
    };

    [Fact]
    public async Task PostTts_HindiText_AnswersWavOfSpeech()
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("api/tts", new { text = Hindi });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        AudioClip clip = WavReader.Read(await response.Content.ReadAsStreamAsync());
        Assert.Equal(24_000, clip.SampleRate);
        Assert.True(clip.Duration > TimeSpan.FromSeconds(0.3), $"{clip.Duration} of audio");
        Assert.True(clip.Samples.Span.ToArray().Max(MathF.Abs) > 0.01f, "The audio is silent.");
    }

    [Fact]
    public async Task PostTts_SpeakerByName_SameAudioAsById()
    {
        SpeakerDescriptor speaker = HindiVoice.Speakers[2];

        byte[] byName = await SpeakAsync(new { text = Hindi, speaker = speaker.Name });
        byte[] byId = await SpeakAsync(new { text = Hindi, speaker = speaker.Id });
        byte[] byDefault = await SpeakAsync(new { text = Hindi });

        Assert.Equal(byId, byName);
        Assert.NotEqual(byDefault, byName);
    }

    [Fact]
    public async Task PostTts_SpeakerNameInOtherCaseOrIdAsText_SameAudioAsById()
    {
        byte[] byId = await SpeakAsync(new { text = "नमस्ते", speaker = 3 });

        Assert.Equal(byId, await SpeakAsync(new { text = "नमस्ते", speaker = " HI-M1 " }));
        Assert.Equal(byId, await SpeakAsync(new { text = "नमस्ते", speaker = "3" }));
    }

    [Fact]
    public async Task PostTts_DoubleSpeed_AnswersShorterAudio()
    {
        AudioClip normal = WavReader.Read(new MemoryStream(await SpeakAsync(new { text = Hindi })));
        AudioClip fast = WavReader.Read(new MemoryStream(await SpeakAsync(new { text = Hindi, speed = 2.0 })));

        Assert.True(fast.Duration < normal.Duration * 0.75, $"speed 2 gave {fast.Duration}, speed 1 {normal.Duration}");
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task PostTts_InvalidBody_Answers400ProblemDetails(string body, string expectedDetail)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Client.PostAsync("api/tts", content);

        string detail = await ProblemAssert.IsProblemAsync(response, 400);
        Assert.Contains(expectedDetail, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostTts_BodyOverLimitByContentLength_Answers400ProblemDetails()
    {
        int limit = new WebAppLimits().MaxRequestBodyBytes;
        using var content = new StringContent($"{{\"text\": \"{new string('a', limit)}\"}}", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Client.PostAsync("api/tts", content);

        string detail = await ProblemAssert.IsProblemAsync(response, 400);
        Assert.Contains($"the limit is {limit}", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostTts_ChunkedBodyOverLimit_Answers400ProblemDetails()
    {
        int limit = new WebAppLimits().MaxRequestBodyBytes;
        byte[] body = Encoding.UTF8.GetBytes($"{{\"text\": \"{new string('a', 2 * limit)}\"}}");
        using var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/tts") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage response = await Client.SendAsync(request);

        string detail = await ProblemAssert.IsProblemAsync(response, 400);
        Assert.Contains($"over the limit of {limit} bytes", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStream_HindiText_AnswersChunkedWavOfSpeech()
    {
        using HttpResponseMessage response = await Client.GetAsync($"api/tts/stream?text={Uri.EscapeDataString(Hindi)}&speaker=hi-m1", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked, "The stream should be sent chunked, without a Content-Length.");
        byte[] wav = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(StreamingWav.Header(24_000), wav[..StreamingWav.HeaderBytes]);
        int dataBytes = wav.Length - StreamingWav.HeaderBytes;
        Assert.True(dataBytes > 24_000 * 2 * 0.3, $"{dataBytes} bytes of audio");
        Assert.Equal(0, dataBytes % 2);
    }

    [Fact]
    public async Task GetStream_ClientLeavesMidStream_ServerKeepsServing()
    {
        using (HttpResponseMessage response = await Client.GetAsync($"api/tts/stream?text={Uri.EscapeDataString(Hindi)}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using Stream body = await response.Content.ReadAsStreamAsync();
            Assert.True(await body.ReadAsync(new byte[StreamingWav.HeaderBytes]) > 0, "No audio arrived.");
        }

        // Leaving drops the connection; the server must go on answering.
        using HttpResponseMessage health = await Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using HttpResponseMessage speech = await Client.PostAsJsonAsync("api/tts", new { text = "नमस्ते" });
        Assert.Equal(HttpStatusCode.OK, speech.StatusCode);
    }

    [Theory]
    [InlineData("api/tts/stream", "\"text\" is required")]
    [InlineData("api/tts/stream?text=%20", "\"text\" is required")]
    [InlineData("api/tts/stream?text=abc&speaker=nobody", "Unknown speaker 'nobody'")]
    [InlineData("api/tts/stream?text=abc&speed=slow", "\"speed\" must be a number")]
    [InlineData("api/tts/stream?text=abc&speed=9", "Speed must be in [0.25, 4]")]
    [InlineData("api/tts/stream?text=a&text=b", "\"text\" is given 2 times")]
    public async Task GetStream_InvalidQuery_Answers400ProblemDetails(string path, string expectedDetail)
    {
        using HttpResponseMessage response = await Client.GetAsync(path);

        string detail = await ProblemAssert.IsProblemAsync(response, 400);
        Assert.Contains(expectedDetail, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHealthz_RunningApp_AnswersHealthy()
    {
        using HttpResponseMessage response = await Client.GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetSpeakers_ShippedVoice_ListsItsSpeakersByIdAndName()
    {
        using JsonDocument speakers = JsonDocument.Parse(await Client.GetStringAsync("api/speakers"));

        (int, string)[] listed = [.. speakers.RootElement.EnumerateArray().Select(s => (s.GetProperty("id").GetInt32(), s.GetProperty("name").GetString()!))];
        Assert.Equal(HindiVoice.Speakers.Select(s => (s.Id, s.Name)), listed);
    }

    [Fact]
    public async Task GetIndex_Page_HasTheSpeakControls()
    {
        using HttpResponseMessage response = await Client.GetAsync("");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        foreach (string control in new[] { "<textarea id=\"text\"", "<select id=\"speaker\"", "<button id=\"speak\"", "<audio id=\"player\"", "<img id=\"spectrogram\"" })
        {
            Assert.Contains(control, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PostSpectrogram_SpeechWav_AnswersPngOfItsMel()
    {
        byte[] wav = await SpeakAsync(new { text = Hindi });
        int samples = WavReader.Read(new MemoryStream(wav)).Length;
        using var content = new ByteArrayContent(wav);
        content.Headers.ContentType = new("audio/wav");
        using HttpResponseMessage response = await Client.PostAsync("api/spectrogram", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        PngImage image = PngImage.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(Math.Min(1 + (samples / 256), SpectrogramRenderer.MaxWidth), image.Width);
        Assert.Equal(200, image.Height);
    }

    [Theory]
    [InlineData("not a wav file at all, just text", "not a WAV file")]
    [InlineData("", "empty")]
    public async Task PostSpectrogram_NotAWav_Answers400ProblemDetails(string body, string expectedDetail)
    {
        using var content = new StringContent(body);
        using HttpResponseMessage response = await Client.PostAsync("api/spectrogram", content);

        string detail = await ProblemAssert.IsProblemAsync(response, 400);
        Assert.Contains(expectedDetail, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostSpectrogram_TooShortWav_Answers400ProblemDetails()
    {
        using var content = new ByteArrayContent(WavWriter.Encode(new float[100], 24_000));
        using HttpResponseMessage response = await Client.PostAsync("api/spectrogram", content);

        await ProblemAssert.IsProblemAsync(response, 400);
    }

    [Fact]
    public async Task GetUnknownPath_Answers404ProblemDetails()
    {
        using HttpResponseMessage response = await Client.GetAsync("api/nothing-here");

        await ProblemAssert.IsProblemAsync(response, 404);
    }

    private async Task<byte[]> SpeakAsync(object body)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("api/tts", body);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        return bytes;
    }
}
