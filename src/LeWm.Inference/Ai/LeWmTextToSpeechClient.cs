using System.Buffers.Binary;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using LeWm.Audio.Wav;
using Microsoft.Extensions.AI;

namespace LeWm.Inference;

#pragma warning disable MEAI001 // ITextToSpeechClient and its types are experimental in Microsoft.Extensions.AI.Abstractions.

/// <summary>
/// Exposes an <see cref="ITtsEngine"/> as a Microsoft.Extensions.AI <see cref="ITextToSpeechClient"/>, so code written
/// against that abstraction (middleware, logging, OpenTelemetry, other providers) speaks with LeWM.
/// <c>AddLeWmTts</c> registers one as a singleton.
/// </summary>
/// <remarks>
/// <para>
/// <b>Options.</b> The request starts from the <see cref="SynthesisOptions"/> returned by
/// <see cref="TextToSpeechOptions.RawRepresentationFactory"/> when it returns one (typed access to every engine option),
/// otherwise from <c>new SynthesisOptions()</c>; the abstraction's properties are then applied on top:
/// <see cref="TextToSpeechOptions.Speed"/> → <see cref="SynthesisOptions.Speed"/> (0.25–4);
/// <see cref="TextToSpeechOptions.VoiceId"/> → <see cref="SynthesisOptions.Speaker"/>, given as a speaker name from
/// <see cref="SpeechModelInfo.Speakers"/> (case-insensitive, tried first) or a numeric speaker id;
/// <see cref="TextToSpeechOptions.Volume"/> → a linear gain in [0, 1] applied to the samples;
/// <see cref="TextToSpeechOptions.AudioFormat"/> → the encoding (below), whose <c>rate=N</c> media-type parameter sets
/// <see cref="SynthesisOptions.OutputSampleRate"/>. <see cref="TextToSpeechOptions.Pitch"/> other than 1 is refused with
/// <see cref="NotSupportedException"/>. <see cref="TextToSpeechOptions.Language"/> and
/// <see cref="TextToSpeechOptions.ModelId"/> are ignored: one client speaks one model, in the language it was trained on.
/// </para>
/// <para>
/// <see cref="TextToSpeechOptions.AdditionalProperties"/> keys read (others are ignored, so middleware may add its own):
/// <c>sample_rate</c> (int Hz: 8000, 16000, 22050, 24000, 44100 or 48000), <c>seed</c> (int), <c>temperature</c>
/// (double, 0–10), <c>exact_latent_frames</c> (int; ignores the stop head, for tests and benchmarks),
/// <c>trim_silence</c> (bool), <c>normalize_loudness_dbfs</c> (double) and <c>voice_prompt</c> (a
/// <see cref="VoicePrompt"/>). Values may be the CLR type, another numeric type that converts exactly, a
/// <see cref="JsonElement"/>, or an invariant-culture string. A value of the wrong type throws
/// <see cref="ArgumentException"/> naming the key.
/// </para>
/// <para>
/// <b>Audio.</b> <see cref="GetAudioAsync"/> returns one <see cref="DataContent"/>: by default (or for
/// <c>AudioFormat</c> "wav", "audio/wav", "audio/x-wav", "audio/wave") a complete 16-bit PCM mono WAV file with media type
/// <c>audio/wav</c>; for "pcm" or "audio/pcm", raw 16-bit signed little-endian mono samples with media type
/// <c>audio/pcm;rate=N;channels=1</c>. The response carries the <see cref="SpeechResult"/> as
/// <see cref="TextToSpeechResponse.RawRepresentation"/>, <see cref="UsageDetails"/> (input = UTF-8 bytes of the text,
/// the model's text units; output = latent frames generated) and the additional properties <c>sample_rate</c>,
/// <c>duration</c> (<see cref="TimeSpan"/>), <c>latent_frames</c> and <c>stopped_by_model</c>.
/// </para>
/// <para>
/// <b>Streaming.</b> <see cref="GetStreamingAudioAsync"/> yields one <see cref="TextToSpeechResponseUpdate"/> per
/// <see cref="AudioChunk"/> of <see cref="ITtsEngine.StreamAsync"/>: kind
/// <see cref="TextToSpeechResponseUpdateKind.AudioUpdating"/>, and <see cref="TextToSpeechResponseUpdateKind.AudioUpdated"/>
/// on the final chunk. Each update's content is raw PCM (as above) by default, so the chunks' bytes concatenate into the
/// whole utterance; when <c>AudioFormat</c> asks for WAV explicitly, each update is instead a complete, playable WAV file
/// of its chunk. Updates carry the chunk as <see cref="TextToSpeechResponseUpdate.RawRepresentation"/> and the additional
/// properties <c>sample_rate</c>, <c>offset</c> (the chunk's first sample in the utterance) and <c>elapsed</c>.
/// </para>
/// <para>
/// Thread-safe: concurrent calls are batched by the engine. The client does not own the engine; disposing the client
/// leaves the engine running (dispose the engine, or let the DI container do it).
/// </para>
/// </remarks>
public sealed class LeWmTextToSpeechClient : ITextToSpeechClient
{
    /// <summary>The provider name reported in <see cref="TextToSpeechClientMetadata"/>.</summary>
    public const string ProviderName = "lewm";

    private const string WavMediaType = "audio/wav";
    private const string SampleRateKey = "sample_rate";

    private readonly ITtsEngine _engine;
    private readonly TextToSpeechClientMetadata _metadata;

    /// <summary>Creates a client that speaks with <paramref name="engine"/>.</summary>
    /// <param name="engine">The engine; not owned (disposing the client does not dispose it).</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is null.</exception>
    public LeWmTextToSpeechClient(ITtsEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _metadata = new TextToSpeechClientMetadata(ProviderName, providerUri: null, defaultModelId: null);
    }

    /// <summary>Speaks a text and returns the whole utterance as one audio content.</summary>
    /// <param name="text">The text; long text is split at sentence boundaries and joined by the engine.</param>
    /// <param name="options">The request's options (see the class remarks for the mapping); defaults when null.</param>
    /// <param name="cancellationToken">Cancels the request (checked between autoregressive steps).</param>
    /// <returns>The speech: WAV (default) or raw PCM bytes, with usage and metadata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text is empty or white space; an option is out of range, of the wrong type, or names an unknown voice or format.</exception>
    /// <exception cref="NotSupportedException"><see cref="TextToSpeechOptions.Pitch"/> is set to something other than 1.</exception>
    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        Request request = CreateRequest(options, streaming: false);
        SpeechResult result = await _engine.SynthesizeAsync(text, request.Synthesis, cancellationToken).ConfigureAwait(false);
        DataContent audio = Encode(result.Samples, result.SampleRate, request);
        int textUnits = Encoding.UTF8.GetByteCount(text);
        return new TextToSpeechResponse([audio])
        {
            ResponseId = NewResponseId(),
            ModelId = _metadata.DefaultModelId,
            RawRepresentation = result,
            Usage = new UsageDetails
            {
                InputTokenCount = textUnits,
                InputTextTokenCount = textUnits,
                OutputTokenCount = result.LatentFrames,
                OutputAudioTokenCount = result.LatentFrames,
                TotalTokenCount = textUnits + (long)result.LatentFrames,
            },
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [SampleRateKey] = result.SampleRate,
                ["duration"] = result.Duration,
                ["latent_frames"] = result.LatentFrames,
                ["stopped_by_model"] = result.StoppedByModel,
            },
        };
    }

    /// <summary>Speaks a text as a stream of updates, one per engine audio chunk, yielded while generation continues.</summary>
    /// <param name="text">The text.</param>
    /// <param name="options">The request's options (see the class remarks); <c>trim_silence</c> and <c>normalize_loudness_dbfs</c> need the whole utterance and are refused by the engine here.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>The updates: raw PCM chunks by default, or one WAV file per chunk when WAV is asked for explicitly.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text is empty or white space, or an option is invalid (thrown by this call, before enumeration).</exception>
    /// <exception cref="NotSupportedException"><see cref="TextToSpeechOptions.Pitch"/> is set to something other than 1.</exception>
    public IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        Request request = CreateRequest(options, streaming: true);
        return StreamUpdatesAsync(text, request, cancellationToken);
    }

    /// <summary>Returns the client's metadata, the client itself, the engine, or the model's description.</summary>
    /// <param name="serviceType">
    /// <see cref="TextToSpeechClientMetadata"/>; a type this client, the <see cref="ITtsEngine"/> or its
    /// <see cref="SpeechModelInfo"/> is an instance of.
    /// </param>
    /// <param name="serviceKey">Must be null: the client holds no keyed services.</param>
    /// <returns>The object, or null when there is none of that type (or a key was given).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is null.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(TextToSpeechClientMetadata))
        {
            return _metadata;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        if (serviceType.IsInstanceOfType(_engine))
        {
            return _engine;
        }

        return serviceType.IsInstanceOfType(_engine.Model) ? _engine.Model : null;
    }

    /// <summary>Does nothing: the client owns no resources, and the engine is not the client's to dispose.</summary>
    public void Dispose()
    {
    }

    private async IAsyncEnumerable<TextToSpeechResponseUpdate> StreamUpdatesAsync(
        string text, Request request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string responseId = NewResponseId();
        await foreach (AudioChunk chunk in _engine.StreamAsync(text, request.Synthesis, cancellationToken).ConfigureAwait(false))
        {
            yield return new TextToSpeechResponseUpdate([Encode(chunk.Samples, chunk.SampleRate, request)])
            {
                Kind = chunk.IsLast ? TextToSpeechResponseUpdateKind.AudioUpdated : TextToSpeechResponseUpdateKind.AudioUpdating,
                ResponseId = responseId,
                ModelId = _metadata.DefaultModelId,
                RawRepresentation = chunk,
                AdditionalProperties = new AdditionalPropertiesDictionary
                {
                    [SampleRateKey] = chunk.SampleRate,
                    ["offset"] = chunk.Offset,
                    ["elapsed"] = chunk.Elapsed,
                },
            };
        }
    }

    private static string NewResponseId() => Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);

    private static DataContent Encode(float[] samples, int sampleRate, Request request)
    {
        ReadOnlySpan<float> audio = samples;
        if (request.Gain != 1f)
        {
            var scaled = new float[samples.Length];
            TensorPrimitives.Multiply(samples, request.Gain, scaled);
            audio = scaled;
        }

        if (request.Wav)
        {
            return new DataContent(WavWriter.Encode(audio, sampleRate, WavSampleFormat.Pcm16), WavMediaType);
        }

        var pcm = new byte[audio.Length * sizeof(short)];
        for (int i = 0; i < audio.Length; i++)
        {
            // The same quantisation as WavWriter's 16-bit PCM, so streamed bytes equal the WAV file's data chunk.
            float v = audio[i];
            float clipped = float.IsNaN(v) ? 0f : Math.Clamp(v, -1f, 1f);
            short quantised = (short)Math.Clamp(MathF.Round(clipped * 32768f), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * sizeof(short)), quantised);
        }

        return new DataContent(pcm, string.Create(CultureInfo.InvariantCulture, $"audio/pcm;rate={sampleRate};channels=1"));
    }

    private Request CreateRequest(TextToSpeechOptions? options, bool streaming)
    {
        if (options is null)
        {
            return new Request(new SynthesisOptions(), Wav: !streaming, Gain: 1f);
        }

        SynthesisOptions synthesis = options.RawRepresentationFactory?.Invoke(this) as SynthesisOptions ?? new SynthesisOptions();
        if (options.Pitch is float pitch && pitch != 1f)
        {
            throw new NotSupportedException($"Pitch {pitch.ToString(CultureInfo.InvariantCulture)} was asked for; the LeWM engine cannot change pitch (leave TextToSpeechOptions.Pitch null or 1).");
        }

        if (options.Speed is float speed)
        {
            synthesis = synthesis with { Speed = speed };
        }

        if (!string.IsNullOrWhiteSpace(options.VoiceId))
        {
            synthesis = synthesis with { Speaker = ResolveVoice(options) };
        }

        float gain = 1f;
        if (options.Volume is float volume)
        {
            if (!float.IsFinite(volume) || volume < 0f || volume > 1f)
            {
                throw new ArgumentException($"Volume must be a linear gain in [0, 1] (got {volume.ToString(CultureInfo.InvariantCulture)}).", nameof(options));
            }

            gain = volume;
        }

        (bool? wav, int? formatRate) = ParseAudioFormat(options);
        int? sampleRate = Read<int>(options, SampleRateKey);
        if (formatRate is int rate)
        {
            if (sampleRate is int other && other != rate)
            {
                throw new ArgumentException($"AudioFormat '{options.AudioFormat}' asks for {rate} Hz but '{SampleRateKey}' asks for {other} Hz.", nameof(options));
            }

            sampleRate = rate;
        }

        synthesis = synthesis with
        {
            OutputSampleRate = sampleRate ?? synthesis.OutputSampleRate,
            Seed = Read<int>(options, "seed") ?? synthesis.Seed,
            Temperature = Read<double>(options, "temperature") ?? synthesis.Temperature,
            ExactLatentFrames = Read<int>(options, "exact_latent_frames") ?? synthesis.ExactLatentFrames,
            TrimSilence = Read<bool>(options, "trim_silence") ?? synthesis.TrimSilence,
            NormalizeLoudnessDbfs = Read<double>(options, "normalize_loudness_dbfs") ?? synthesis.NormalizeLoudnessDbfs,
            VoicePrompt = ReadVoicePrompt(options) ?? synthesis.VoicePrompt,
        };
        synthesis.Validate();
        return new Request(synthesis, Wav: wav ?? !streaming, Gain: gain);
    }

    private int ResolveVoice(TextToSpeechOptions options)
    {
        string voiceId = options.VoiceId!;
        IReadOnlyList<SpeakerDescriptor> speakers = _engine.Model.Speakers;
        foreach (SpeakerDescriptor speaker in speakers)
        {
            if (string.Equals(speaker.Name, voiceId, StringComparison.OrdinalIgnoreCase))
            {
                return speaker.Id;
            }
        }

        if (int.TryParse(voiceId, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
        {
            foreach (SpeakerDescriptor speaker in speakers)
            {
                if (speaker.Id == id)
                {
                    return id;
                }
            }
        }

        throw new ArgumentException(
            speakers.Count == 0
                ? $"Voice '{voiceId}' was asked for, but the model has a single voice; leave VoiceId null."
                : $"Voice '{voiceId}' is not one of the model's voices: {string.Join(", ", speakers.Select(s => $"{s.Id} ({s.Name})"))}.",
            nameof(options));
    }

    private static (bool? Wav, int? SampleRate) ParseAudioFormat(TextToSpeechOptions options)
    {
        string? format = options.AudioFormat;
        if (string.IsNullOrWhiteSpace(format))
        {
            return (null, null);
        }

        string[] parts = format.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        bool wav = parts[0].ToUpperInvariant() switch
        {
            "WAV" or "WAVE" or "AUDIO/WAV" or "AUDIO/WAVE" or "AUDIO/X-WAV" or "AUDIO/VND.WAVE" => true,
            "PCM" or "AUDIO/PCM" => false,
            _ => throw new ArgumentException(
                $"AudioFormat '{format}' is not supported; use \"wav\" (audio/wav, 16-bit PCM) or \"pcm\" (audio/pcm, raw 16-bit little-endian), optionally with ';rate=N'.",
                nameof(options)),
        };
        int? rate = null;
        foreach (string parameter in parts.Skip(1))
        {
            int equals = parameter.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? parameter : parameter[..equals].Trim();
            string value = equals < 0 ? string.Empty : parameter[(equals + 1)..].Trim();
            if (name.Equals("rate", StringComparison.OrdinalIgnoreCase))
            {
                rate = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed)
                    ? parsed
                    : throw new ArgumentException($"AudioFormat '{format}' has rate '{value}', which is not a whole number of Hz.", nameof(options));
            }
            else if (!(name.Equals("channels", StringComparison.OrdinalIgnoreCase) && value == "1"))
            {
                throw new ArgumentException($"AudioFormat '{format}' has parameter '{parameter}'; only 'rate=N' and 'channels=1' are supported.", nameof(options));
            }
        }

        return (wav, rate);
    }

    private static T? Read<T>(TextToSpeechOptions options, string key)
        where T : struct
    {
        AdditionalPropertiesDictionary? properties = options.AdditionalProperties;
        if (properties is null || !properties.TryGetValue(key, out object? raw) || raw is null)
        {
            return null;
        }

        object value = raw is JsonElement json ? FromJson(json) : raw;
        try
        {
            return value switch
            {
                T typed => typed,
                string s when typeof(T) == typeof(bool) => (T)(object)bool.Parse(s),
                string s => (T)Convert.ChangeType(s, typeof(T), CultureInfo.InvariantCulture),
                IConvertible convertible when typeof(T) != typeof(bool) && IsExact(convertible, typeof(T)) =>
                    (T)Convert.ChangeType(convertible, typeof(T), CultureInfo.InvariantCulture),
                _ => throw new InvalidCastException($"{value.GetType().Name} does not convert exactly to {typeof(T).Name}."),
            };
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new ArgumentException(
                $"Additional property '{key}' is {Convert.ToString(raw, CultureInfo.InvariantCulture)} ({raw.GetType().Name}); expected {typeof(T).Name}.",
                nameof(options),
                e);
        }
    }

    private static object FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number when json.TryGetInt64(out long whole) => whole,
        JsonValueKind.Number => json.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => json.GetString()!,
        _ => json,
    };

    private static bool IsExact(IConvertible value, Type target)
    {
        if (target == typeof(double))
        {
            return value is float or double or decimal or byte or sbyte or short or ushort or int or uint or long or ulong;
        }

        // Integers: accept any integral type, and a floating value only when it is a whole number.
        return value switch
        {
            byte or sbyte or short or ushort or int or uint or long or ulong => true,
            float f => float.IsInteger(f),
            double d => double.IsInteger(d),
            decimal m => decimal.IsInteger(m),
            _ => false,
        };
    }

    private static VoicePrompt? ReadVoicePrompt(TextToSpeechOptions options)
    {
        const string key = "voice_prompt";
        AdditionalPropertiesDictionary? properties = options.AdditionalProperties;
        if (properties is null || !properties.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        return value as VoicePrompt
            ?? throw new ArgumentException($"Additional property '{key}' is a {value.GetType().Name}; expected a {nameof(VoicePrompt)} (create one with ITtsEngine.CreateVoicePromptAsync).", nameof(options));
    }

    /// <summary>One request's engine options and output encoding.</summary>
    /// <param name="Synthesis">The engine options.</param>
    /// <param name="Wav">True for WAV files, false for raw 16-bit PCM.</param>
    /// <param name="Gain">The linear gain from <see cref="TextToSpeechOptions.Volume"/>.</param>
    private sealed record Request(SynthesisOptions Synthesis, bool Wav, float Gain);
}

#pragma warning restore MEAI001
