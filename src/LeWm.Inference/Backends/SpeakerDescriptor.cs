namespace LeWm.Inference;

/// <summary>A speaker a multi-speaker model knows.</summary>
/// <param name="Id">The speaker's index in the model's speaker table.</param>
/// <param name="Name">The speaker's name (the corpus folder it was trained from).</param>
public sealed record SpeakerDescriptor(int Id, string Name);
