using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Audio.Wav;

namespace LeWm.Inference;

/// <summary>Synthesised speech: mono samples in [−1, 1] and how they were made.</summary>
/// <param name="Samples">The waveform.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="LatentFrames">Latent frames generated (or encoded), all runs of a long text together.</param>
/// <param name="StoppedByModel">True when every run ended on the stop head; false when one hit the length cap or an exact length.</param>
/// <param name="Timings">Where the time went.</param>
public sealed record SpeechResult(float[] Samples, int SampleRate, int LatentFrames, bool StoppedByModel, SpeechTimings Timings)
{
    /// <summary>Gets the duration of the audio.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    /// <summary>Gets the result as an <see cref="AudioClip"/>.</summary>
    /// <returns>A clip over the same samples.</returns>
    public AudioClip ToAudioClip() => new(Samples, SampleRate);

    /// <summary>Writes the audio as a WAV file, atomically.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="format">16-bit PCM (default) or 32-bit float.</param>
    public void WriteWav(string path, WavSampleFormat format = WavSampleFormat.Pcm16) =>
        AtomicFile.WriteAllBytes(path, ToWavBytes(format));

    /// <summary>Writes the audio as a WAV file in 16-bit PCM, atomically.</summary>
    /// <param name="path">The file to write.</param>
    public void WriteWav(string path) => WriteWav(path, WavSampleFormat.Pcm16);

    /// <summary>Writes the audio as a WAV file, atomically and asynchronously.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="format">16-bit PCM or 32-bit float.</param>
    /// <param name="cancellationToken">Cancels the write; an existing file is then left as it was.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task SaveWavAsync(string path, WavSampleFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return AtomicFile.WriteAllBytesAsync(path, ToWavBytes(format), cancellationToken);
    }

    /// <summary>Writes the audio as a WAV file in 16-bit PCM, atomically and asynchronously.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="cancellationToken">Cancels the write; an existing file is then left as it was.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task SaveWavAsync(string path, CancellationToken cancellationToken = default) =>
        SaveWavAsync(path, WavSampleFormat.Pcm16, cancellationToken);

    /// <summary>Encodes the audio as a WAV file in memory.</summary>
    /// <param name="format">16-bit PCM (default) or 32-bit float.</param>
    /// <returns>The file's bytes.</returns>
    public byte[] ToWavBytes(WavSampleFormat format = WavSampleFormat.Pcm16) => WavWriter.Encode(Samples, SampleRate, format);
}
