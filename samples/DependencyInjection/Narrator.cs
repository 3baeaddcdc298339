using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DependencyInjection;

/// <summary>
/// Speaks the configured texts through Microsoft.Extensions.AI's <see cref="ITextToSpeechClient"/> and writes one WAV
/// file per text. It knows nothing of LeWM: any provider registered as <see cref="ITextToSpeechClient"/> would do.
/// </summary>
internal sealed partial class Narrator(ITextToSpeechClient speech, IOptions<NarrationOptions> options, ILogger<Narrator> logger)
{
    /// <summary>Sends every text at once (the engine batches concurrent requests) and writes the WAV files.</summary>
    /// <param name="cancellationToken">Stops the narration (Ctrl+C).</param>
    /// <returns>The files written, in the order of the texts.</returns>
    public async Task<IReadOnlyList<string>> NarrateAsync(CancellationToken cancellationToken)
    {
        NarrationOptions narration = options.Value;
        string folder = Path.GetFullPath(narration.OutputDirectory);
        Directory.CreateDirectory(folder);
        TextToSpeechClientMetadata? metadata = speech.GetService<TextToSpeechClientMetadata>();
        LogStart(narration.Texts.Count, metadata?.ProviderName ?? "unknown", narration.Voice, narration.Speed);

        var request = new TextToSpeechOptions { VoiceId = narration.Voice, Speed = (float)narration.Speed, AudioFormat = "audio/wav" };
        long started = Stopwatch.GetTimestamp();
        string[] files = await Task.WhenAll(narration.Texts.Select(
            (text, index) => SpeakAsync(text, Path.Combine(folder, $"narration-{index + 1}.wav"), request, cancellationToken))).ConfigureAwait(false);
        double milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogDone(files.Length, milliseconds, folder);
        return files;
    }

    private async Task<string> SpeakAsync(string text, string path, TextToSpeechOptions request, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        TextToSpeechResponse response = await speech.GetAudioAsync(text, request, cancellationToken).ConfigureAwait(false);
        DataContent audio = response.Contents.OfType<DataContent>().Single();
        // Written beside its final name, then renamed: a reader never sees half a file.
        await File.WriteAllBytesAsync(path + ".part", audio.Data, cancellationToken).ConfigureAwait(false);
        File.Move(path + ".part", path, overwrite: true);
        TimeSpan duration = response.AdditionalProperties?["duration"] is TimeSpan d ? d : TimeSpan.Zero;
        double milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        string file = Path.GetFileName(path);
        LogSpoken(file, text.Length, duration.TotalSeconds, milliseconds, audio.MediaType);
        return path;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaking {Count} texts with provider '{Provider}', voice '{Voice}', speed {Speed}")]
    private partial void LogStart(int count, string provider, string voice, double speed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File}: {Characters} characters -> {Seconds:0.00} s of audio ({MediaType}) in {Milliseconds:0} ms")]
    private partial void LogSpoken(string file, int characters, double seconds, double milliseconds, string mediaType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} files to {Folder} in {Milliseconds:0} ms")]
    private partial void LogDone(int count, double milliseconds, string folder);
}
