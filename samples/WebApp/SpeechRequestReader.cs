using System.Globalization;
using System.Text.Json;
using LeWm.Inference;
using Microsoft.Extensions.Options;

namespace LeWm.Samples.WebApp;

/// <summary>
/// Turns what a client sent (a JSON body or a query string) into a <see cref="SpeechRequest"/>, or refuses it with an
/// <see cref="InvalidRequestException"/> that says what is wrong.
/// </summary>
/// <param name="engine">The engine, whose voice lists the speakers.</param>
/// <param name="limits">The input limits.</param>
internal sealed class SpeechRequestReader(ITtsEngine engine, IOptions<WebAppLimits> limits)
{
    private readonly WebAppLimits _limits = limits.Value;

    /// <summary>Reads <c>{ "text": …, "speaker"?: name or id, "speed"?: number }</c> from the body of <paramref name="request"/>.</summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The validated request.</returns>
    /// <exception cref="InvalidRequestException">The body is too large, not JSON, not an object, or holds an invalid value.</exception>
    public async Task<SpeechRequest> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        byte[] body = await RequestBody.ReadAsync(request, _limits.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidRequestException($"The body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRequestException($"The body must be a JSON object such as {{ \"text\": \"…\" }} (got a JSON {root.ValueKind.ToString().ToLowerInvariant()}).");
            }

            string? text = null;
            int? speaker = null;
            double? speed = null;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.NameEquals("text"))
                {
                    text = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()
                        : throw new InvalidRequestException("\"text\" must be a string.");
                }
                else if (property.NameEquals("speaker"))
                {
                    speaker = property.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => ResolveSpeaker(property.Value.GetString()!),
                        JsonValueKind.Number when property.Value.TryGetInt32(out int id) => ResolveSpeaker(id),
                        _ => throw new InvalidRequestException("\"speaker\" must be a speaker's name or its integer id."),
                    };
                }
                else if (property.NameEquals("speed"))
                {
                    speed = property.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.Number => property.Value.GetDouble(),
                        _ => throw new InvalidRequestException("\"speed\" must be a number."),
                    };
                }
            }

            return Create(text, speaker, speed);
        }
    }

    /// <summary>Reads <c>text</c>, <c>speaker</c> and <c>speed</c> from a query string.</summary>
    /// <param name="query">The query.</param>
    /// <returns>The validated request.</returns>
    /// <exception cref="InvalidRequestException">A value is missing, repeated or invalid.</exception>
    public SpeechRequest ReadQuery(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? text = Single(query, "text");
        string? speakerText = Single(query, "speaker");
        string? speedText = Single(query, "speed");
        int? speaker = string.IsNullOrEmpty(speakerText) ? null : ResolveSpeaker(speakerText);
        double? speed = null;
        if (!string.IsNullOrEmpty(speedText))
        {
            speed = double.TryParse(speedText, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                ? value
                : throw new InvalidRequestException($"\"speed\" must be a number (got '{speedText}').");
        }

        return Create(text, speaker, speed);
    }

    private SpeechRequest Create(string? text, int? speaker, double? speed)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidRequestException("\"text\" is required and must not be empty or white space.");
        }

        if (text.Length > _limits.MaxTextCharacters)
        {
            throw new InvalidRequestException($"\"text\" is {text.Length} characters; the limit is {_limits.MaxTextCharacters}.");
        }

        var request = new SpeechRequest(text, speaker, speed ?? 1.0);
        try
        {
            // The engine's own checks decide what a valid speed is.
            request.ToOptions().Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException(e.Message);
        }

        return request;
    }

    private int ResolveSpeaker(string nameOrId)
    {
        nameOrId = nameOrId.Trim();
        IReadOnlyList<SpeakerDescriptor> speakers = engine.Model.Speakers;
        foreach (SpeakerDescriptor speaker in speakers)
        {
            if (string.Equals(speaker.Name, nameOrId, StringComparison.OrdinalIgnoreCase))
            {
                return speaker.Id;
            }
        }

        return int.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            ? ResolveSpeaker(id)
            : throw new InvalidRequestException($"Unknown speaker '{nameOrId}'. {DescribeSpeakers(speakers)}");
    }

    private int ResolveSpeaker(int id)
    {
        IReadOnlyList<SpeakerDescriptor> speakers = engine.Model.Speakers;
        return speakers.Any(s => s.Id == id)
            ? id
            : throw new InvalidRequestException($"Unknown speaker id {id}. {DescribeSpeakers(speakers)}");
    }

    private static string DescribeSpeakers(IReadOnlyList<SpeakerDescriptor> speakers) =>
        speakers.Count == 0
            ? "This voice has a single speaker; leave \"speaker\" out."
            : "Speakers: " + string.Join(", ", speakers.Select(s => $"{s.Name} ({s.Id})")) + ".";

    private static string? Single(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues values) || values.Count == 0)
        {
            return null;
        }

        return values.Count == 1 ? values[0] : throw new InvalidRequestException($"\"{name}\" is given {values.Count} times; give it once.");
    }
}
