using System.Collections.Concurrent;

namespace LeWm.Audio.Dsp;

/// <summary>
/// Short-time Fourier transform and its inverse with PyTorch's semantics (<c>torch.stft</c> / <c>torch.istft</c>:
/// periodic Hann window, <c>center=True</c> reflect padding, window-envelope normalisation in the inverse), plus
/// Vocos' <c>same</c> padding for the inverse.
/// </summary>
/// <remarks>
/// Computation is in double precision internally; inputs and outputs are single precision. Instances are
/// immutable and thread-safe; long signals are split across cores.
/// </remarks>
public sealed class StftProcessor
{
    private const int MinFramesPerChunk = 48;

    private readonly double[] _paddedWindow;
    private readonly ConcurrentBag<FrameTransform> _transforms = [];

    private CachedEnvelope? _lastEnvelope;

    /// <summary>Creates a processor for <paramref name="options"/> (Vocos mel-24khz framing when null).</summary>
    /// <param name="options">The framing; validated.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public StftProcessor(StftOptions? options = null)
    {
        options ??= new StftOptions();
        options.Validate();
        Options = options;
        _paddedWindow = new double[options.FftSize];
        float[] window = Window.PeriodicHann(options.WindowLength);
        int offset = (options.FftSize - options.WindowLength) / 2;
        for (int i = 0; i < window.Length; i++)
        {
            _paddedWindow[offset + i] = window[i];
        }
    }

    /// <summary>The framing in use.</summary>
    public StftOptions Options { get; }

    /// <summary>The number of one-sided frequency bins, <c>FftSize / 2 + 1</c>.</summary>
    public int Bins => (Options.FftSize / 2) + 1;

    /// <summary>The smallest number of samples the forward transform accepts.</summary>
    /// <remarks>
    /// With centred frames, reflect padding needs more than <c>FftSize / 2</c> samples (PyTorch refuses fewer too);
    /// without, one full frame.
    /// </remarks>
    public int MinimumSamples => Options.Center ? (Options.FftSize / 2) + 1 : Options.FftSize;

    /// <summary>Returns the number of frames the forward transform makes of <paramref name="sampleCount"/> samples.</summary>
    /// <param name="sampleCount">The signal length in samples.</param>
    /// <returns><c>1 + floor(samples / hop)</c> when centred, <c>1 + floor((samples − FftSize) / hop)</c> otherwise.</returns>
    /// <exception cref="AudioFormatException">The signal is shorter than <see cref="MinimumSamples"/>.</exception>
    public int FrameCount(int sampleCount)
    {
        if (sampleCount < MinimumSamples)
        {
            throw new AudioFormatException(
                $"The audio has {sampleCount} samples; one analysis window (FFT {Options.FftSize}, centred={Options.Center}) needs at least {MinimumSamples}.");
        }

        return Options.Center
            ? 1 + (sampleCount / Options.HopLength)
            : 1 + ((sampleCount - Options.FftSize) / Options.HopLength);
    }

    /// <summary>Computes the one-sided complex STFT of <paramref name="samples"/>.</summary>
    /// <param name="samples">The signal.</param>
    /// <returns>A <c>[FftSize/2 + 1, frames]</c> spectrogram.</returns>
    /// <exception cref="AudioFormatException">The signal is too short for one frame, or holds NaN or infinity.</exception>
    public ComplexSpectrogram Forward(ReadOnlyMemory<float> samples)
    {
        int frames = FrameCount(samples.Length);
        var destination = new ComplexSpectrogram(new float[Bins * frames], new float[Bins * frames], Bins, frames);
        Forward(samples, destination);
        return destination;
    }

    /// <summary>
    /// Computes the one-sided complex STFT of <paramref name="samples"/> into <paramref name="destination"/>, whose
    /// arrays are overwritten (iterative algorithms such as Griffin-Lim reuse one spectrogram instead of allocating).
    /// </summary>
    /// <param name="samples">The signal.</param>
    /// <param name="destination">A <c>[FftSize/2 + 1, frames]</c> spectrogram with exactly as many frames as the signal gives.</param>
    /// <exception cref="AudioFormatException">The signal is too short for one frame, or holds NaN or infinity.</exception>
    /// <exception cref="ArgumentException">The destination has another shape.</exception>
    public void Forward(ReadOnlyMemory<float> samples, ComplexSpectrogram destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SampleGuard.ThrowIfNotFinite(samples.Span);
        int frames = FrameCount(samples.Length);
        int bins = Bins;
        if (destination.Bins != bins || destination.Frames != frames)
        {
            throw new ArgumentException(
                $"The destination is {destination.Bins} × {destination.Frames}; this signal's STFT is {bins} × {frames}.", nameof(destination));
        }

        float[] real = destination.Real;
        float[] imaginary = destination.Imaginary;
        int padding = Options.Center ? Options.FftSize / 2 : 0;
        ForEachFrameRange(frames, (first, end, transform) =>
        {
            ReadOnlySpan<float> span = samples.Span;
            for (int t = first; t < end; t++)
            {
                transform.Analyze(span, t, Options.HopLength, padding);
                for (int k = 0; k < bins; k++)
                {
                    real[(k * frames) + t] = (float)transform.Real[k];
                    imaginary[(k * frames) + t] = (float)transform.Imaginary[k];
                }
            }
        });
    }

    /// <summary>
    /// Inverts <paramref name="spectrogram"/>: inverse FFT per frame, window, overlap-add, divide by the
    /// overlap-added squared window, trim as <paramref name="padding"/> says.
    /// </summary>
    /// <param name="spectrogram">A <c>[FftSize/2 + 1, frames]</c> spectrogram.</param>
    /// <param name="padding">How to trim: <see cref="IstftPadding.Center"/> (torch.istft) or <see cref="IstftPadding.Same"/> (Vocos).</param>
    /// <param name="length">With <see cref="IstftPadding.Center"/>, the output length wanted (zero-filled past the
    /// signal, as torch.istft's <c>length</c>); null for <c>hop × (frames − 1)</c>.</param>
    /// <returns>The waveform.</returns>
    /// <exception cref="ArgumentException">The spectrogram has the wrong number of bins, or no frames.</exception>
    public float[] Inverse(ComplexSpectrogram spectrogram, IstftPadding padding = IstftPadding.Center, int? length = null)
    {
        ArgumentNullException.ThrowIfNull(spectrogram);
        if (spectrogram.Bins != Bins)
        {
            throw new ArgumentException($"The spectrogram has {spectrogram.Bins} bins; FFT size {Options.FftSize} needs {Bins}.", nameof(spectrogram));
        }

        if (spectrogram.Frames == 0)
        {
            throw new ArgumentException("The spectrogram has no frames.", nameof(spectrogram));
        }

        int frames = spectrogram.Frames;
        int n = Options.FftSize;
        int hop = Options.HopLength;
        int bins = Bins;
        int total = n + (hop * (frames - 1));
        var sum = new double[total];

        // Each worker overlap-adds its frames into a private buffer; the buffers are summed afterwards.
        var parts = new ConcurrentBag<(int Offset, double[] Buffer)>();
        ForEachFrameRange(frames, (first, end, transform) =>
        {
            int offset = first * hop;
            var local = new double[n + (hop * (end - first - 1))];
            for (int t = first; t < end; t++)
            {
                for (int k = 0; k < bins; k++)
                {
                    transform.Real[k] = spectrogram.Real[(k * frames) + t];
                    transform.Imaginary[k] = spectrogram.Imaginary[(k * frames) + t];
                }

                transform.Fft.Inverse(transform.Real, transform.Imaginary, transform.Frame);
                int at = (t * hop) - offset;
                double[] frame = transform.Frame;
                double[] window = transform.Window;
                for (int i = 0; i < n; i++)
                {
                    local[at + i] += frame[i] * window[i];
                }
            }

            parts.Add((offset, local));
        });

        foreach ((int offset, double[] buffer) in parts)
        {
            for (int i = 0; i < buffer.Length; i++)
            {
                sum[offset + i] += buffer[i];
            }
        }

        double[] envelope = EnvelopeFor(frames, total);
        int start;
        int outputLength;
        if (padding == IstftPadding.Same)
        {
            start = (n - hop) / 2;
            outputLength = hop * frames;
        }
        else
        {
            start = n / 2;
            outputLength = length ?? (hop * (frames - 1));
            ArgumentOutOfRangeException.ThrowIfNegative(outputLength, nameof(length));
        }

        var output = new float[outputLength];
        int available = Math.Min(outputLength, total - start);
        for (int i = 0; i < available; i++)
        {
            double e = envelope[start + i];
            output[i] = e > 1e-11 ? (float)(sum[start + i] / e) : 0f;
        }

        return output;
    }

    /// <summary>Runs <paramref name="body"/> over [0, frames) in contiguous ranges, in parallel when worthwhile.</summary>
    /// <remarks>
    /// Four chunks per core, handed out dynamically, so that a core slowed by other work does not hold the rest up.
    /// </remarks>
    internal void ForEachFrameRange(int frames, Action<int, int, FrameTransform> body)
    {
        int chunks = Math.Clamp(frames / MinFramesPerChunk, 1, 4 * Environment.ProcessorCount);
        if (chunks == 1 || Environment.ProcessorCount == 1)
        {
            RunRange(0, frames, body);
            return;
        }

        int chunk = (frames + chunks - 1) / chunks;
        Parallel.For(0, chunks, w =>
        {
            int first = w * chunk;
            int end = Math.Min(frames, first + chunk);
            if (first < end)
            {
                RunRange(first, end, body);
            }
        });
    }

    private void RunRange(int first, int end, Action<int, int, FrameTransform> body)
    {
        if (!_transforms.TryTake(out FrameTransform? transform))
        {
            transform = new FrameTransform(Options, _paddedWindow);
        }

        try
        {
            body(first, end, transform);
        }
        finally
        {
            _transforms.Add(transform);
        }
    }

    /// <summary>
    /// The overlap-added squared window for <paramref name="frames"/> frames; the last one is kept, since iterative
    /// callers (Griffin-Lim) invert spectrograms of the same length again and again. Read-only once built.
    /// </summary>
    private double[] EnvelopeFor(int frames, int total)
    {
        CachedEnvelope? cached = _lastEnvelope;
        if (cached is not null && cached.Frames == frames)
        {
            return cached.Values;
        }

        double[] envelope = WindowEnvelope(frames, total);
        _lastEnvelope = new CachedEnvelope(frames, envelope);
        return envelope;
    }

    private double[] WindowEnvelope(int frames, int total)
    {
        var envelope = new double[total];
        int n = Options.FftSize;
        int hop = Options.HopLength;
        for (int t = 0; t < frames; t++)
        {
            int at = t * hop;
            for (int i = 0; i < n; i++)
            {
                double w = _paddedWindow[i];
                envelope[at + i] += w * w;
            }
        }

        return envelope;
    }

    private sealed record CachedEnvelope(int Frames, double[] Values);
}
