using System.Runtime.CompilerServices;
using LeWm.Audio;
using LeWm.Inference;

namespace LeWm.WebApp.Tests;

/// <summary>
/// An engine that fails the way a broken backend would: <see cref="SynthesizeAsync"/> throws
/// <see cref="InvalidOperationException"/> (or <see cref="ArgumentException"/> for the text "argument"), and
/// <see cref="StreamAsync"/> throws before its first chunk, or after one chunk for the text "late".
/// </summary>
internal sealed class FailingEngine : ITtsEngine
{
    public const string Secret = "backend exploded: internal detail 0xDEAD";

    public SpeechModelInfo Model { get; } = new(100, 64, 4, 24_000, 256, 1024, 4096, 3, 25, [new SpeakerDescriptor(0, "hi")], "none");

    public int SampleRate => 24_000;

    public Task<SpeechResult> SynthesizeAsync(string text, SynthesisOptions? options = null, CancellationToken cancellationToken = default) =>
        text == "argument"
            ? throw new ArgumentException("The engine refused this text.", nameof(text))
            : throw new InvalidOperationException(Secret);

    public async IAsyncEnumerable<AudioChunk> StreamAsync(string text, SynthesisOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (text == "late")
        {
            yield return new AudioChunk(new float[2400], 24_000, 0, false, TimeSpan.Zero);
        }

        throw new InvalidOperationException(Secret);
    }

    public Task<IReadOnlyList<SpeechResult>> SynthesizeBatchAsync(IReadOnlyList<string> texts, SynthesisOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(Secret);

    public Task<VoicePrompt> CreateVoicePromptAsync(AudioClip clip, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(Secret);

    public Task<SpeechResult> ReconstructAsync(AudioClip clip, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(Secret);

    public Task<SpeechResult> PredictAsync(AudioClip clip, string transcript, int? speaker = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(Secret);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose()
    {
    }
}
