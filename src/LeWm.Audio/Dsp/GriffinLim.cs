using LeWm.Audio.Mel;

namespace LeWm.Audio.Dsp;

/// <summary>
/// Turns a log-mel spectrogram into a waveform with no learned weights: the mel filter bank is inverted by
/// non-negative least squares (multiplicative updates) into a linear magnitude spectrogram, and the phase is
/// recovered by fast Griffin-Lim (with momentum).
/// </summary>
/// <remarks>
/// Quality is limited (phase artefacts, some muffling) but it needs no files and no native runtime. The output has
/// <c>hop × (frames − 1)</c> samples, as an inverse STFT with <c>center=True</c>. Instances are immutable and
/// thread-safe.
/// </remarks>
public sealed class GriffinLim
{
    private readonly StftProcessor _stft;

    /// <summary>Creates the vocoder for the given front end (Vocos mel-24khz when null) and settings.</summary>
    /// <param name="melOptions">The front end the log-mels were computed with.</param>
    /// <param name="options">Iteration settings.</param>
    /// <exception cref="ArgumentException">Some option is invalid.</exception>
    public GriffinLim(MelOptions? melOptions = null, GriffinLimOptions? options = null)
    {
        MelOptions = melOptions ?? new MelOptions();
        Options = options ?? new GriffinLimOptions();
        Options.Validate();
        FilterBank = new MelFilterBank(MelOptions);
        _stft = new StftProcessor(MelOptions.ToStftOptions());
    }

    /// <summary>The front end the log-mels are expected in.</summary>
    public MelOptions MelOptions { get; }

    /// <summary>The iteration settings.</summary>
    public GriffinLimOptions Options { get; }

    /// <summary>The mel filter bank that is inverted.</summary>
    public MelFilterBank FilterBank { get; }

    /// <summary>Synthesises a waveform from <paramref name="logMel"/>.</summary>
    /// <param name="logMel">A <c>[bands, frames]</c> natural-log mel spectrogram.</param>
    /// <param name="cancellationToken">Checked between iterations.</param>
    /// <returns>The waveform at <see cref="MelOptions.SampleRate"/>, <c>hop × (frames − 1)</c> samples.</returns>
    /// <exception cref="ArgumentException">The band count differs from the front end's, or there are no frames.</exception>
    /// <exception cref="AudioFormatException">The log-mel holds NaN or infinity.</exception>
    public float[] Synthesize(LogMel logMel, CancellationToken cancellationToken = default)
    {
        float[] magnitude = MelToMagnitude(logMel);
        return Reconstruct(magnitude, logMel.Frames, iterations: null, cancellationToken);
    }

    /// <summary>
    /// Inverts the mel filter bank: finds a non-negative linear magnitude spectrogram whose mel projection is
    /// closest (least squares) to <c>exp(logMel)</c>.
    /// </summary>
    /// <param name="logMel">A <c>[bands, frames]</c> natural-log mel spectrogram.</param>
    /// <returns>Magnitudes <c>[bins, frames]</c> bin-major.</returns>
    /// <exception cref="ArgumentException">The band count differs from the front end's, or there are no frames.</exception>
    /// <exception cref="AudioFormatException">The log-mel holds NaN or infinity.</exception>
    public float[] MelToMagnitude(LogMel logMel)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        if (logMel.Bands != FilterBank.Bands)
        {
            throw new ArgumentException($"The log-mel has {logMel.Bands} bands; this front end has {FilterBank.Bands}.", nameof(logMel));
        }

        if (logMel.Frames == 0)
        {
            throw new ArgumentException("The log-mel has no frames.", nameof(logMel));
        }

        SampleGuard.ThrowIfNotFinite(logMel.Values);
        int bands = FilterBank.Bands;
        int bins = FilterBank.Bins;
        int frames = logMel.Frames;
        var magnitude = new float[bins * frames];

        var ones = new double[bands];
        Array.Fill(ones, 1.0);
        var coverage = new double[bins];
        FilterBank.ApplyTransposed(ones, coverage);

        Parallel.For(0, frames, () => new InverseMelScratch(bands, bins), (t, _, s) =>
        {
            for (int m = 0; m < bands; m++)
            {
                s.Target[m] = Math.Exp(logMel.Values[(m * frames) + t]);
            }

            // Start from the coverage-weighted average of the bands over each bin, then refine by the
            // multiplicative NNLS update x ← x · (Aᵀb) / (AᵀAx), which keeps x non-negative.
            FilterBank.ApplyTransposed(s.Target, s.Numerator);
            for (int k = 0; k < bins; k++)
            {
                s.X[k] = coverage[k] > 0 ? s.Numerator[k] / coverage[k] : 0.0;
            }

            for (int i = 0; i < Options.InverseMelIterations; i++)
            {
                FilterBank.Apply(s.X, s.Projection);
                FilterBank.ApplyTransposed(s.Projection, s.Denominator);
                for (int k = 0; k < bins; k++)
                {
                    double d = s.Denominator[k];
                    s.X[k] = d > 1e-30 ? s.X[k] * s.Numerator[k] / d : 0.0;
                }
            }

            for (int k = 0; k < bins; k++)
            {
                magnitude[(k * frames) + t] = (float)s.X[k];
            }

            return s;
        }, _ => { });
        return magnitude;
    }

    /// <summary>Recovers a phase for <paramref name="magnitude"/> by fast Griffin-Lim and returns the waveform.</summary>
    /// <param name="magnitude">Linear magnitudes <c>[bins, frames]</c> bin-major.</param>
    /// <param name="frames">The number of frames.</param>
    /// <param name="iterations">Overrides <see cref="GriffinLimOptions.Iterations"/> when given.</param>
    /// <param name="cancellationToken">Checked between iterations.</param>
    /// <returns>The waveform, <c>hop × (frames − 1)</c> samples.</returns>
    /// <exception cref="ArgumentException">The array does not hold <c>bins × frames</c> values.</exception>
    public float[] Reconstruct(float[] magnitude, int frames, int? iterations = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(magnitude);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        int bins = _stft.Bins;
        if (magnitude.Length != bins * frames)
        {
            throw new ArgumentException($"Expected {bins} × {frames} magnitudes; got {magnitude.Length}.", nameof(magnitude));
        }

        int count = iterations ?? Options.Iterations;
        ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(iterations));
        int length = _stft.Options.HopLength * (frames - 1);

        // Phase as unit complex numbers, initially random (or zero phase).
        var phaseRe = new float[magnitude.Length];
        var phaseIm = new float[magnitude.Length];
        if (Options.Seed is int seed)
        {
            var random = new Random(seed);
            for (int i = 0; i < phaseRe.Length; i++)
            {
                double angle = 2 * Math.PI * random.NextDouble();
                phaseRe[i] = (float)Math.Cos(angle);
                phaseIm[i] = (float)Math.Sin(angle);
            }
        }
        else
        {
            Array.Fill(phaseRe, 1f);
        }

        // Three spectrogram buffers serve every iteration: the estimate to invert, and the rebuilt spectra of this
        // and the previous iteration (for the momentum term), swapped instead of reallocated.
        var estimate = new ComplexSpectrogram(new float[magnitude.Length], new float[magnitude.Length], bins, frames);
        var rebuilt = new ComplexSpectrogram(new float[magnitude.Length], new float[magnitude.Length], bins, frames);
        ComplexSpectrogram? previous = null;
        float alpha = (float)(Options.Momentum / (1 + Options.Momentum));
        for (int iteration = 0; iteration < count; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Combine(magnitude, phaseRe, phaseIm, estimate);
            float[] signal = _stft.Inverse(estimate, IstftPadding.Center, length);
            Rebuild(signal, rebuilt);
            float[] rebuiltRe = rebuilt.Real, rebuiltIm = rebuilt.Imaginary;
            for (int i = 0; i < phaseRe.Length; i++)
            {
                float re = rebuiltRe[i];
                float im = rebuiltIm[i];
                if (previous is not null)
                {
                    re -= alpha * previous.Real[i];
                    im -= alpha * previous.Imaginary[i];
                }

                float norm = MathF.Sqrt((re * re) + (im * im)) + 1e-16f;
                phaseRe[i] = re / norm;
                phaseIm[i] = im / norm;
            }

            ComplexSpectrogram spare = previous ?? new ComplexSpectrogram(new float[magnitude.Length], new float[magnitude.Length], bins, frames);
            previous = rebuilt;
            rebuilt = spare;
        }

        cancellationToken.ThrowIfCancellationRequested();
        Combine(magnitude, phaseRe, phaseIm, estimate);
        return _stft.Inverse(estimate, IstftPadding.Center, length);
    }

    /// <summary>
    /// Returns the spectral convergence ‖ |STFT(signal)| − target ‖_F / ‖ target ‖_F of a waveform against a
    /// target magnitude spectrogram.
    /// </summary>
    /// <param name="signal">The waveform.</param>
    /// <param name="target">Magnitudes <c>[bins, frames]</c> bin-major.</param>
    /// <param name="frames">The number of frames of <paramref name="target"/>.</param>
    /// <returns>The relative Frobenius error; 0 is a perfect match.</returns>
    public double SpectralConvergence(float[] signal, float[] target, int frames)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(target);
        float[] actual = Rebuild(signal, frames).Magnitude();
        double error = 0, norm = 0;
        for (int i = 0; i < target.Length; i++)
        {
            double d = actual[i] - target[i];
            error += d * d;
            norm += (double)target[i] * target[i];
        }

        return Math.Sqrt(error) / Math.Max(Math.Sqrt(norm), 1e-30);
    }

    /// <summary>The STFT of <paramref name="signal"/> fitted to <paramref name="destination"/>'s frame count, written into it.</summary>
    private void Rebuild(float[] signal, ComplexSpectrogram destination)
    {
        // Pad or cut to the length whose centred STFT has exactly `frames` frames.
        int frames = destination.Frames;
        int needed = _stft.Options.HopLength * (frames - 1);
        float[] padded = signal.Length == needed ? signal : ResizeTo(signal, needed);
        if (padded.Length < _stft.MinimumSamples)
        {
            padded = ResizeTo(padded, _stft.MinimumSamples);
        }

        if (_stft.FrameCount(padded.Length) == frames)
        {
            _stft.Forward(padded, destination);
            return;
        }

        ComplexSpectrogram cropped = Crop(_stft.Forward(padded), frames);
        cropped.Real.CopyTo(destination.Real, 0);
        cropped.Imaginary.CopyTo(destination.Imaginary, 0);
    }

    private ComplexSpectrogram Rebuild(float[] signal, int frames)
    {
        int bins = _stft.Bins;
        var spectrogram = new ComplexSpectrogram(new float[bins * frames], new float[bins * frames], bins, frames);
        Rebuild(signal, spectrogram);
        return spectrogram;
    }

    private static float[] ResizeTo(float[] signal, int length)
    {
        var resized = new float[length];
        Array.Copy(signal, resized, Math.Min(length, signal.Length));
        return resized;
    }

    private static ComplexSpectrogram Crop(ComplexSpectrogram spectrogram, int frames)
    {
        int bins = spectrogram.Bins;
        var re = new float[bins * frames];
        var im = new float[bins * frames];
        int available = Math.Min(frames, spectrogram.Frames);
        for (int k = 0; k < bins; k++)
        {
            Array.Copy(spectrogram.Real, k * spectrogram.Frames, re, k * frames, available);
            Array.Copy(spectrogram.Imaginary, k * spectrogram.Frames, im, k * frames, available);
        }

        return new ComplexSpectrogram(re, im, bins, frames);
    }

    /// <summary>destination = magnitude · phase, element by element.</summary>
    private static void Combine(float[] magnitude, float[] phaseRe, float[] phaseIm, ComplexSpectrogram destination)
    {
        System.Numerics.Tensors.TensorPrimitives.Multiply(magnitude, phaseRe, destination.Real);
        System.Numerics.Tensors.TensorPrimitives.Multiply(magnitude, phaseIm, destination.Imaginary);
    }

    private sealed class InverseMelScratch(int bands, int bins)
    {
        public double[] Target { get; } = new double[bands];

        public double[] Projection { get; } = new double[bands];

        public double[] Numerator { get; } = new double[bins];

        public double[] Denominator { get; } = new double[bins];

        public double[] X { get; } = new double[bins];
    }
}
