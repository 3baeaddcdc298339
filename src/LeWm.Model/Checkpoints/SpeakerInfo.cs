using System.Text.Json.Serialization;

namespace LeWm.Model.Checkpoints;

/// <summary>One speaker of a checkpoint: the row of the speaker table and a human-readable name.</summary>
/// <param name="Id">The speaker id, the row of the text encoder's speaker table (0 for a single-speaker model).</param>
/// <param name="Name">The speaker's display name.</param>
public sealed record SpeakerInfo(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("name")] string Name);
