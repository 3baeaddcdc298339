using System.Text.Json;
using System.Text.Json.Serialization;
using LeWm.Audio.IO;

namespace LeWm.Inference;

/// <summary>
/// A reference voice: the latents of a short clip, computed once (<see cref="ITtsEngine.CreateVoicePromptAsync"/>)
/// and reused by any number of requests. Serialisable to JSON (<see cref="Save"/>, <see cref="Load"/>).
/// </summary>
public sealed class VoicePrompt
{
    private const int FormatVersion = 1;

    /// <summary>Wraps prompt latents.</summary>
    /// <param name="latents">The clip's latents (the audio encoder's mean).</param>
    /// <param name="sourceSeconds">The reference clip's duration in seconds.</param>
    public VoicePrompt(LatentFrames latents, double sourceSeconds)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.Frames == 0)
        {
            throw new ArgumentException("A voice prompt needs at least one latent frame.", nameof(latents));
        }

        Latents = latents;
        SourceSeconds = sourceSeconds;
    }

    /// <summary>Gets the prompt's latents.</summary>
    public LatentFrames Latents { get; }

    /// <summary>Gets the reference clip's duration in seconds.</summary>
    public double SourceSeconds { get; }

    /// <summary>Writes the prompt as JSON, atomically.</summary>
    /// <param name="path">The file to write.</param>
    public void Save(string path)
    {
        var dto = new Dto(FormatVersion, Latents.Frames, Latents.Size, SourceSeconds, Latents.Values);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(dto));
    }

    /// <summary>Reads a prompt written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a voice prompt.</exception>
    public static VoicePrompt Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No voice prompt at '{path}'.", path);
        }

        Dto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<Dto>(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a voice prompt: {e.Message}", e);
        }

        if (dto is null || dto.FormatVersion != FormatVersion || dto.Values is null)
        {
            throw new InvalidDataException($"'{path}' is not a version-{FormatVersion} voice prompt.");
        }

        try
        {
            return new VoicePrompt(new LatentFrames(dto.Values, dto.Frames, dto.Size), dto.SourceSeconds);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{path}' holds an invalid voice prompt: {e.Message}", e);
        }
    }

    private sealed record Dto(
        [property: JsonPropertyName("format_version")] int FormatVersion,
        [property: JsonPropertyName("frames")] int Frames,
        [property: JsonPropertyName("size")] int Size,
        [property: JsonPropertyName("source_seconds")] double SourceSeconds,
        [property: JsonPropertyName("values")] float[] Values);
}
