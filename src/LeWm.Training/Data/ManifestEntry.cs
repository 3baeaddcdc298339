using System.Text.Json.Serialization;

namespace LeWm.Training.Data;

/// <summary>One segment of a preprocessed corpus: a line of <c>manifest.jsonl</c>.</summary>
/// <param name="Id">A unique id (the source file name, plus a segment suffix when a recording was cut).</param>
/// <param name="Text">The transcript of this segment.</param>
/// <param name="Speaker">The speaker's name (the corpus sub-folder, or the corpus folder's name for one speaker).</param>
/// <param name="Audio">The 24 kHz mono WAV of the segment, relative to the manifest's folder.</param>
/// <param name="Mel">The Vocos log-mel <c>[100, frames]</c> (<c>.npy</c>, float32), relative to the manifest's folder.</param>
/// <param name="Frames">Mel frames.</param>
/// <param name="Seconds">Duration in seconds.</param>
public sealed record ManifestEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("speaker")] string Speaker,
    [property: JsonPropertyName("audio")] string Audio,
    [property: JsonPropertyName("mel")] string Mel,
    [property: JsonPropertyName("frames")] int Frames,
    [property: JsonPropertyName("seconds")] double Seconds);
