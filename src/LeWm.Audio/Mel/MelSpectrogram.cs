using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LeWm.Audio.Dsp;

namespace LeWm.Audio.Mel;

/// <summary>
/// Computes the log-mel spectrogram of the LeWM / Vocos <c>mel-24khz</c> front end:
/// <c>log(max(melscale(|STFT(x)|), 1e-7))</c>, equal to torchaudio's
/// <c>MelSpectrogram(sample_rate=24000, n_fft=1024, hop_length=256, n_mels=100, center=True, power=1)</c>
/// followed by <c>log(clip(·, min=1e-7))</c>.
/// </summary>
/// <remarks>
/// Frames: <c>1 + floor(samples / 256)</c>. The input must be at the options' sample rate (resample with
/// <see cref="AudioClip.ResampleTo"/>) and hold more than <c>FftSize / 2</c> samples (513 by default) — a shorter
/// clip cannot be reflect-padded and is refused with <see cref="AudioFormatException"/>, as PyTorch refuses it.
/// Instances are immutable and thread-safe; work on long inputs is spread across cores.
/// </remarks>
public sealed class MelSpectrogram
{
    private readonly StftProcessor _stft;

    /// <summary>Creates the front end for <paramref name="options"/> (Vocos mel-24khz when null).</summary>
    /// <param name="options">Settings; validated.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public MelSpectrogram(MelOptions? options = null)
    {
        Options = options ?? new MelOptions();
        Options.Validate();
        FilterBank = new MelFilterBank(Options);
        _stft = new StftProcessor(Options.ToStftOptions());
    }

    /// <summary>The settings in use.</summary>
    public MelOptions Options { get; }

    /// <summary>The mel filter bank in use.</summary>
    public MelFilterBank FilterBank { get; }

    /// <summary>Returns the number of frames <paramref name="sampleCount"/> samples give.</summary>
    /// <param name="sampleCount">The clip length in samples.</param>
    /// <exception cref="AudioFormatException">The clip is too short for one analysis window.</exception>
    public int FrameCount(int sampleCount) => _stft.FrameCount(sampleCount);

    /// <summary>Computes the log-mel spectrogram of <paramref name="clip"/>.</summary>
    /// <param name="clip">Mono audio at <see cref="MelOptions.SampleRate"/>.</param>
    /// <returns>A <c>[bands, frames]</c> log-mel.</returns>
    /// <exception cref="AudioFormatException">The clip's rate differs from the options', or it is too short, or not finite.</exception>
    public LogMel Compute(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.SampleRate != Options.SampleRate)
        {
            throw new AudioFormatException(
                $"The clip is at {clip.SampleRate} Hz; the mel front end expects {Options.SampleRate} Hz (resample it first with AudioClip.ResampleTo).");
        }

        return Compute(clip.Samples);
    }

    /// <summary>
    /// Frames [first, end) in groups of four, one frame per vector lane, through <see cref="FrameBatchPowerSpectrum"/>
    /// (same arithmetic per frame as the one-frame path). Returns the first frame left for the one-frame path.
    /// </summary>
    private int ComputeFourAtATime(ReadOnlySpan<float> span, int first, int end, int frames, FrameTransform transform, float[] values)
    {
        const int Lanes = FrameBatchPowerSpectrum.Lanes;
        int bands = FilterBank.Bands;
        int hop = Options.HopLength;
        int padding = Options.Center ? Options.FftSize / 2 : 0;
        FrameBatchPowerSpectrum batch = transform.Batch;
        var spectrum = new Vector256<double>[FilterBank.Bins];
        var mel = new Vector256<double>[bands];
        Span<double> melValues = MemoryMarshal.Cast<Vector256<double>, double>(mel.AsSpan());
        int t = first;
        for (; t + Lanes <= end; t += Lanes)
        {
            for (int lane = 0; lane < Lanes; lane++)
            {
                transform.Load(span, t + lane, hop, padding, batch.Frames[lane]);
            }

            batch.Compute(spectrum);
            for (int k = 0; k < spectrum.Length; k++)
            {
                spectrum[k] = Vector256.Sqrt(spectrum[k]);
            }

            FilterBank.Apply(spectrum, mel);
            TensorPrimitives.Max(melValues, Options.LogFloor, melValues);
            TensorPrimitives.Log(melValues, melValues);
            for (int m = 0; m < bands; m++)
            {
                Vector256<double> v = mel[m];
                int row = (m * frames) + t;
                values[row] = (float)v[0];
                values[row + 1] = (float)v[1];
                values[row + 2] = (float)v[2];
                values[row + 3] = (float)v[3];
            }
        }

        return t;
    }

    /// <summary>Computes the log-mel spectrogram of <paramref name="samples"/>, taken to be at <see cref="MelOptions.SampleRate"/>.</summary>
    /// <param name="samples">Mono samples.</param>
    /// <returns>A <c>[bands, frames]</c> log-mel.</returns>
    /// <exception cref="AudioFormatException">The signal is too short for one analysis window, or not finite.</exception>
    public LogMel Compute(ReadOnlyMemory<float> samples)
    {
        SampleGuard.ThrowIfNotFinite(samples.Span);
        int frames = _stft.FrameCount(samples.Length);
        int bands = FilterBank.Bands;
        int bins = FilterBank.Bins;
        var values = new float[bands * frames];
        int hop = Options.HopLength;
        int padding = Options.Center ? Options.FftSize / 2 : 0;
        double floor = Options.LogFloor;
        _stft.ForEachFrameRange(frames, (first, end, transform) =>
        {
            ReadOnlySpan<float> span = samples.Span;
            int t = first;
            if (Vector256.IsHardwareAccelerated)
            {
                t = ComputeFourAtATime(span, first, end, frames, transform, values);
            }

            Span<double> magnitude = transform.Real.AsSpan(0, bins); // |X|² then |X|, in the transform's buffer
            Span<double> mel = stackalloc double[bands];
            for (; t < end; t++)
            {
                transform.AnalyzePower(span, t, hop, padding);
                TensorPrimitives.Sqrt(magnitude, magnitude);
                FilterBank.Apply(magnitude, mel);
                TensorPrimitives.Max(mel, floor, mel);
                TensorPrimitives.Log(mel, mel);
                for (int m = 0; m < bands; m++)
                {
                    values[(m * frames) + t] = (float)mel[m];
                }
            }
        });
        return new LogMel(values, bands, frames);
    }
}
