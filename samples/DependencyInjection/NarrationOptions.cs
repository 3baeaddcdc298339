namespace DependencyInjection;

/// <summary>What the sample speaks and how: bound from the <c>Narration</c> section of <c>appsettings.json</c>.</summary>
internal sealed class NarrationOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Narration";

    /// <summary>Gets or sets the voice: a speaker name of the model (<c>hi</c>, <c>hi-f2</c>, …) or its numeric id.</summary>
    public string Voice { get; set; } = "hi";

    /// <summary>Gets or sets the speaking rate, 0.25–4 (1 is the model's own pace).</summary>
    public double Speed { get; set; } = 1.0;

    /// <summary>Gets or sets the folder the WAV files are written to (relative to the working folder).</summary>
    public string OutputDirectory { get; set; } = "narration";

    /// <summary>Gets or sets the texts to speak; they are sent at once, so the engine batches them.</summary>
    public IList<string> Texts { get; set; } = [];
}
