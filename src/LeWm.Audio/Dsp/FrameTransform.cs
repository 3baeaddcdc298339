using System.Numerics.Tensors;

namespace LeWm.Audio.Dsp;

/// <summary>
/// The per-thread working set of an STFT: the FFT plan, the zero-padded window and frame buffers. One instance
/// serves one thread at a time; <see cref="StftProcessor"/> pools them.
/// </summary>
internal sealed class FrameTransform
{
    public FrameTransform(StftOptions options, double[] paddedWindow)
    {
        Fft = new RealFft(options.FftSize);
        Window = paddedWindow;
        Frame = new double[options.FftSize];
        Real = new double[Fft.Bins];
        Imaginary = new double[Fft.Bins];
    }

    private FrameBatchPowerSpectrum? _batch;

    public RealFft Fft { get; }

    /// <summary>The analysis window, zero-padded to the FFT size and centred in it.</summary>
    public double[] Window { get; }

    public double[] Frame { get; }

    public double[] Real { get; }

    public double[] Imaginary { get; }

    /// <summary>The four-frame power-spectrum engine, made on first use.</summary>
    public FrameBatchPowerSpectrum Batch => _batch ??= new FrameBatchPowerSpectrum(Frame.Length);

    /// <summary>
    /// Loads frame <paramref name="frame"/> of <paramref name="samples"/> (reflect-padded by <paramref name="padding"/>
    /// samples on both sides), applies the window and transforms it into <see cref="Real"/> and <see cref="Imaginary"/>.
    /// </summary>
    public void Analyze(ReadOnlySpan<float> samples, int frame, int hop, int padding)
    {
        Load(samples, frame, hop, padding, Frame);
        Fft.Forward(Frame, Real, Imaginary);
    }

    /// <summary>As <see cref="Analyze"/>, but leaves the power spectrum |X|² in <see cref="Real"/>.</summary>
    public void AnalyzePower(ReadOnlySpan<float> samples, int frame, int hop, int padding)
    {
        Load(samples, frame, hop, padding, Frame);
        Fft.ForwardPower(Frame, Real);
    }

    /// <summary>Writes frame <paramref name="frame"/>, reflect-padded and windowed, into <paramref name="buffer"/>.</summary>
    public void Load(ReadOnlySpan<float> samples, int frame, int hop, int padding, double[] buffer)
    {
        int n = buffer.Length;
        int start = (frame * hop) - padding;
        int length = samples.Length;
        double[] window = Window;
        if (start >= 0 && start + n <= length)
        {
            TensorPrimitives.ConvertTruncating(samples.Slice(start, n), buffer.AsSpan());
            TensorPrimitives.Multiply(buffer, window, buffer);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                int p = start + i;
                if (p < 0)
                {
                    p = -p;
                }
                else if (p >= length)
                {
                    p = (2 * (length - 1)) - p;
                }

                buffer[i] = samples[p] * window[i];
            }
        }
    }
}
