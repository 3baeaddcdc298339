using System.Buffers.Binary;
using System.Text.Json;
using LeWm.Audio;
using LeWm.Audio.Wav;
using LeWm.Inference.Tests.Engine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LeWm.Inference.Tests.Ai;

#pragma warning disable MEAI001 // The text-to-speech abstraction under test is experimental.

/// <summary><see cref="LeWmTextToSpeechClient"/> through <see cref="ITextToSpeechClient"/>, resolved from <c>AddLeWmTts</c>.</summary>
public sealed class LeWmTextToSpeechClientTests
{
    [Fact]
    public async Task GetAudioAsync_SampleRate16k_ReturnsAWavFileAtThatRate()
    {
        await using ServiceProvider provider = BuildProvider();
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();

        TextToSpeechResponse response = await client.GetAudioAsync("namaste", Exact(8, ("sample_rate", 16_000)));

        DataContent audio = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal("audio/wav", audio.MediaType);
        AudioClip clip = WavReader.Read(new MemoryStream(audio.Data.ToArray()));
        Assert.Equal(16_000, clip.SampleRate);
        SpeechResult result = Assert.IsType<SpeechResult>(response.RawRepresentation);
        Assert.Equal(result.Samples.Length, clip.Length);
        Assert.True(clip.Length > 0);
        Assert.Equal(16_000, response.AdditionalProperties?["sample_rate"]);
        Assert.Equal(8, response.AdditionalProperties?["latent_frames"]);
        Assert.Equal(8, response.Usage?.OutputAudioTokenCount);
        Assert.Equal("namaste".Length, response.Usage?.InputTextTokenCount);
        Assert.False(string.IsNullOrEmpty(response.ResponseId));
    }

    [Fact]
    public async Task GetStreamingAudioAsync_WithVocos_PcmUpdatesConcatenateToTheOneShotAudio()
    {
        await using ServiceProvider provider = BuildProvider(vocoder: EngineFixture.SmallVocos(), options: new TtsEngineOptions { StreamChunkLatents = 4 });
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();
        TextToSpeechOptions options = Exact(24, ("seed", 3));

        var updates = new List<TextToSpeechResponseUpdate>();
        await foreach (TextToSpeechResponseUpdate update in client.GetStreamingAudioAsync("streaming test", options))
        {
            updates.Add(update);
        }

        Assert.NotEmpty(updates);
        Assert.Equal(TextToSpeechResponseUpdateKind.AudioUpdated, updates[^1].Kind);
        Assert.All(updates[..^1], u => Assert.Equal(TextToSpeechResponseUpdateKind.AudioUpdating, u.Kind));
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
        var streamed = new List<byte>();
        long expectedOffset = 0;
        foreach (TextToSpeechResponseUpdate update in updates)
        {
            DataContent chunk = Assert.IsType<DataContent>(Assert.Single(update.Contents));
            Assert.Equal("audio/pcm;rate=24000;channels=1", chunk.MediaType);
            Assert.Equal(expectedOffset, update.AdditionalProperties?["offset"]);
            expectedOffset += chunk.Data.Length / sizeof(short);
            streamed.AddRange(chunk.Data.ToArray());
        }

        options.AudioFormat = "pcm";
        TextToSpeechResponse oneShot = await client.GetAudioAsync("streaming test", options);
        byte[] whole = Assert.IsType<DataContent>(Assert.Single(oneShot.Contents)).Data.ToArray();
        float peak = Assert.IsType<SpeechResult>(oneShot.RawRepresentation).Samples.Max(Math.Abs);
        Assert.Equal(whole.Length, streamed.Count);
        int tolerance = (int)Math.Ceiling(1e-4 * Math.Max(1f, peak) * 32_768) + 1;
        Assert.True(MaxPcmDifference(whole, [.. streamed]) <= tolerance, $"streamed PCM differs from one-shot by more than {tolerance} LSB");

        TextToSpeechResponse combined = updates.ToTextToSpeechResponse();
        Assert.Equal(updates.Count, combined.Contents.Count);
    }

    [Fact]
    public async Task GetStreamingAudioAsync_WavRequested_EachUpdateIsAPlayableWavFile()
    {
        await using ServiceProvider provider = BuildProvider();
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();
        TextToSpeechOptions options = Exact(6);
        options.AudioFormat = "audio/wav;rate=8000";

        int updates = 0;
        await foreach (TextToSpeechResponseUpdate update in client.GetStreamingAudioAsync("wav chunks", options))
        {
            DataContent chunk = Assert.IsType<DataContent>(Assert.Single(update.Contents));
            Assert.Equal("audio/wav", chunk.MediaType);
            AudioClip clip = WavReader.Read(new MemoryStream(chunk.Data.ToArray()));
            Assert.Equal(8_000, clip.SampleRate);
            Assert.Equal(Assert.IsType<AudioChunk>(update.RawRepresentation).Samples.Length, clip.Length);
            updates++;
        }

        Assert.True(updates >= 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task GetAudioAsync_EmptyText_ThrowsArgumentException(string text)
    {
        await using ServiceProvider provider = BuildProvider();
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync(text));
        Assert.Throws<ArgumentException>(() => client.GetStreamingAudioAsync(text));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetAudioAsync(null!));
    }

    [Fact]
    public async Task GetAudioAsync_UnknownVoice_ThrowsNamingTheModelsVoices()
    {
        await using ServiceProvider provider = BuildProvider(speakers: 2);
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();
        TextToSpeechOptions options = Exact(4);
        options.VoiceId = "nobody";

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync("hello", options));
        Assert.Contains("'nobody'", error.Message, StringComparison.Ordinal);
        Assert.Contains("0 (speaker0), 1 (speaker1)", error.Message, StringComparison.Ordinal);

        options.VoiceId = "7";
        Assert.Throws<ArgumentException>(() => client.GetStreamingAudioAsync("hello", options));
    }

    [Fact]
    public async Task GetAudioAsync_VoiceOnSingleSpeakerModel_ThrowsClearError()
    {
        await using ServiceProvider provider = BuildProvider();
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();
        TextToSpeechOptions options = Exact(4);
        options.VoiceId = "alloy";

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync("hello", options));
        Assert.Contains("single voice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("speaker1")]
    [InlineData("SPEAKER1")]
    [InlineData("1")]
    public async Task GetAudioAsync_VoiceByNameOrId_SpeaksAsThatSpeaker(string voiceId)
    {
        await using ServiceProvider provider = BuildProvider(speakers: 2);
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();
        ITtsEngine engine = provider.GetRequiredService<ITtsEngine>();
        TextToSpeechOptions options = Exact(6);
        options.VoiceId = voiceId;

        TextToSpeechResponse response = await client.GetAudioAsync("voices", options);

        SpeechResult direct = await engine.SynthesizeAsync("voices", new SynthesisOptions { Speaker = 1, ExactLatentFrames = 6 });
        SpeechResult other = await engine.SynthesizeAsync("voices", new SynthesisOptions { Speaker = 0, ExactLatentFrames = 6 });
        float[] samples = Assert.IsType<SpeechResult>(response.RawRepresentation).Samples;
        // Equal up to CPU floating-point noise; another speaker differs by far more.
        Assert.True(EngineFixture.MaxAbsDifference(direct.Samples, samples) <= 1e-5f);
        Assert.True(EngineFixture.MaxAbsDifference(other.Samples, samples) > 1e-3f);
    }

    [Fact]
    public async Task GetAudioAsync_MapsSpeedJsonValuesAndRawRepresentationFactory()
    {
        await using ServiceProvider provider = BuildProvider();
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();

        // A JSON-deserialised property bag (as from a web request) works like CLR values.
        var fromJson = new TextToSpeechOptions
        {
            Speed = 2f,
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                ["exact_latent_frames"] = JsonSerializer.Deserialize<JsonElement>("20"),
            },
        };
        TextToSpeechResponse fast = await client.GetAudioAsync("speed", fromJson);
        TextToSpeechResponse normal = await client.GetAudioAsync("speed", Exact(20));
        int fastLength = Assert.IsType<SpeechResult>(fast.RawRepresentation).Samples.Length;
        int normalLength = Assert.IsType<SpeechResult>(normal.RawRepresentation).Samples.Length;
        Assert.InRange(fastLength, normalLength * 0.4, normalLength * 0.6);

        // The factory's SynthesisOptions is the starting point (typed access to every engine option).
        var typed = new TextToSpeechOptions { RawRepresentationFactory = _ => new SynthesisOptions { ExactLatentFrames = 5 } };
        TextToSpeechResponse fromFactory = await client.GetAudioAsync("factory", typed);
        Assert.Equal(5, Assert.IsType<SpeechResult>(fromFactory.RawRepresentation).LatentFrames);
    }

    [Fact]
    public async Task GetAudioAsync_InvalidOptions_ThrowClearErrors()
    {
        await using ServiceProvider provider = BuildProvider();
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();

        ArgumentException badType = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync("x", Exact(4, ("seed", "abc"))));
        Assert.Contains("'seed'", badType.Message, StringComparison.Ordinal);

        ArgumentException badRate = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync("x", Exact(4, ("sample_rate", 12_345))));
        Assert.Contains("12345", badRate.Message, StringComparison.Ordinal);

        TextToSpeechOptions mp3 = Exact(4);
        mp3.AudioFormat = "mp3";
        ArgumentException badFormat = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync("x", mp3));
        Assert.Contains("'mp3'", badFormat.Message, StringComparison.Ordinal);

        TextToSpeechOptions pitch = Exact(4);
        pitch.Pitch = 1.5f;
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetAudioAsync("x", pitch));

        TextToSpeechOptions slow = Exact(4);
        slow.Speed = 0.1f;
        ArgumentException badSpeed = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync("x", slow));
        Assert.Contains("Speed", badSpeed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetService_ReturnsMetadataEngineModelAndClient()
    {
        await using ServiceProvider provider = BuildProvider();
        ITextToSpeechClient client = provider.GetRequiredService<ITextToSpeechClient>();

        Assert.Same(client, provider.GetRequiredService<ITextToSpeechClient>());
        Assert.IsType<LeWmTextToSpeechClient>(client);
        TextToSpeechClientMetadata? metadata = client.GetService<TextToSpeechClientMetadata>();
        Assert.Equal(LeWmTextToSpeechClient.ProviderName, metadata?.ProviderName);
        Assert.Same(provider.GetRequiredService<ITtsEngine>(), client.GetService<ITtsEngine>());
        Assert.Same(provider.GetRequiredService<ITtsEngine>().Model, client.GetService<SpeechModelInfo>());
        Assert.Same(client, client.GetService<LeWmTextToSpeechClient>());
        Assert.Null(client.GetService<ITtsEngine>(serviceKey: "other"));
        Assert.Null(client.GetService<string>());
        Assert.Throws<ArgumentNullException>(() => client.GetService(null!));
    }

    private static ServiceProvider BuildProvider(IVocoder? vocoder = null, int speakers = 0, TtsEngineOptions? options = null)
    {
        var services = new ServiceCollection();
        services.AddLeWmTts(
            o => o.Engine = options ?? new TtsEngineOptions(),
            tts =>
            {
                tts.UseSpeechModel(_ => EngineFixture.TinyModel(speakers: speakers));
                if (vocoder is null)
                {
                    tts.UseGriffinLim();
                }
                else
                {
                    tts.UseVocoder(vocoder);
                }
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static TextToSpeechOptions Exact(int latentFrames, params (string Key, object Value)[] extra)
    {
        var properties = new AdditionalPropertiesDictionary { ["exact_latent_frames"] = latentFrames };
        foreach ((string key, object value) in extra)
        {
            properties[key] = value;
        }

        return new TextToSpeechOptions { AdditionalProperties = properties };
    }

    private static int MaxPcmDifference(byte[] a, byte[] b)
    {
        int worst = 0;
        for (int i = 0; i < a.Length; i += sizeof(short))
        {
            int x = BinaryPrimitives.ReadInt16LittleEndian(a.AsSpan(i));
            int y = BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(i));
            worst = Math.Max(worst, Math.Abs(x - y));
        }

        return worst;
    }
}

#pragma warning restore MEAI001
