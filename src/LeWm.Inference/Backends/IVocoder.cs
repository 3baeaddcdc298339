using LeWm.Audio.Mel;

namespace LeWm.Inference;

/// <summary>
/// A vocoder: turns natural-log mel spectrograms into waveforms. The seam between the engine and a vocoder backend
/// (Griffin-Lim here; Vocos on TorchSharp in LeWm.Vocos; Vocos on ONNX Runtime in LeWm.Onnx).
/// </summary>
/// <remarks>
/// Implementations are thread-safe: concurrent calls are allowed (a backend may serialise them internally).
/// Data crosses the seam as managed memory; the vocoder owns whatever native resources it holds and releases them
/// on <see cref="IDisposable.Dispose"/>.
/// </remarks>
public interface IVocoder : IDisposable
{
    /// <summary>The sample rate of the waveforms produced, in Hz.</summary>
    int SampleRate { get; }

    /// <summary>The number of mel bands the vocoder expects.</summary>
    int MelBands { get; }

    /// <summary>The number of samples per mel frame (the STFT hop).</summary>
    int HopLength { get; }

    /// <summary>Returns how many samples a mel of <paramref name="frames"/> frames turns into.</summary>
    /// <param name="frames">The number of mel frames, positive.</param>
    int OutputLength(int frames);

    /// <summary>Turns each log-mel of a batch into a waveform.</summary>
    /// <param name="mels">The log-mels, each <c>[MelBands, frames]</c>; lengths may differ.</param>
    /// <param name="cancellationToken">Cancels the work between stages or chunks.</param>
    /// <returns>One waveform per mel, in order, each <see cref="OutputLength"/> samples at <see cref="SampleRate"/>.</returns>
    /// <exception cref="ArgumentException">The batch is empty, or a mel has the wrong number of bands or no frames.</exception>
    /// <exception cref="LeWm.Audio.AudioFormatException">A mel holds NaN or infinity.</exception>
    /// <exception cref="ObjectDisposedException">The vocoder has been disposed.</exception>
    Task<IReadOnlyList<float[]>> VocodeAsync(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken = default);
}
