using System.Numerics.Tensors;
using LeWm.Audio.Mel;

namespace LeWm.Audio.Evaluation;

/// <summary>
/// Measures how far a candidate log-mel spectrogram is from a reference: mel-cepstral distortion after dynamic time
/// warping (MCD-DTW), in dB.
/// </summary>
/// <remarks>
/// <para>The steps, for a reference and a candidate of the same band count N:</para>
/// <list type="number">
/// <item><description>
/// Trim: each clip keeps the frames from its first to its last frame whose level (see <see cref="FrameLevels"/>) is
/// within <see cref="MelCepstralDistortionOptions.TrimDecibels"/> (40 dB) of its loudest frame; quieter leading and
/// trailing frames are dropped, quiet frames inside the speech are kept.
/// </description></item>
/// <item><description>
/// Cepstra: for each frame's natural-log mel values x<sub>0</sub> … x<sub>N−1</sub>,
/// <c>c_k = (1/N) Σ_n x_n cos(π k (2n + 1) / 2N)</c> for k = 1 … K (<see cref="MelCepstralDistortionOptions.Coefficients"/>, 13);
/// c<sub>0</sub>, the overall level, is dropped.
/// </description></item>
/// <item><description>
/// Alignment: dynamic time warping with the Euclidean distance between cepstral vectors as frame cost and the standard
/// steps (match (i−1, j−1), insertion (i−1, j), deletion (i, j−1)); the path runs from the first frame pair to the last.
/// Among equally cheap predecessors the one with the shorter path wins, then the match step.
/// </description></item>
/// <item><description>
/// Distortion: <c>MCD = 10 / ln 10 · √2 · (path cost / path length)</c> dB, the path length being the number of frame
/// pairs on the path.
/// </description></item>
/// </list>
/// <para>
/// Memory is O(N·(T<sub>ref</sub> + T<sub>cand</sub>)) for the cepstra plus two rows of the warping table; time is
/// O(K·T<sub>ref</sub>·T<sub>cand</sub>). Stateless and thread-safe.
/// </para>
/// </remarks>
public static class MelCepstralDistortion
{
    /// <summary>10 / ln 10 · √2: turns a mean Euclidean distance between natural-log cepstra into dB.</summary>
    public static readonly double DecibelsPerUnit = 10.0 / Math.Log(10.0) * Math.Sqrt(2.0);

    /// <summary>Computes the mel-cepstral distortion of <paramref name="candidate"/> against <paramref name="reference"/>.</summary>
    /// <param name="reference">The reference, a <c>[bands, frames]</c> natural-log mel (the Vocos front end for LeWM).</param>
    /// <param name="candidate">The candidate, with the same band count.</param>
    /// <param name="options">Coefficients and trim threshold; the defaults (13, 40 dB) when null.</param>
    /// <returns>The distortion in dB, the warping path and the trimmed lengths.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reference"/> or <paramref name="candidate"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A spectrogram has no frames, the band counts differ, or there are not more bands than coefficients.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="AudioFormatException">A spectrogram holds NaN or infinity.</exception>
    public static MelCepstralDistortionResult Compute(LogMel reference, LogMel candidate, MelCepstralDistortionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        options ??= new MelCepstralDistortionOptions();
        options.Validate();
        CheckSpectrogram(reference, nameof(reference));
        CheckSpectrogram(candidate, nameof(candidate));
        if (candidate.Bands != reference.Bands)
        {
            throw new ArgumentException($"The candidate has {candidate.Bands} mel bands; the reference has {reference.Bands}.", nameof(candidate));
        }

        if (reference.Bands <= options.Coefficients)
        {
            throw new ArgumentException(
                $"{options.Coefficients} cepstral coefficients need more than {options.Coefficients} mel bands; the spectrograms have {reference.Bands}.",
                nameof(reference));
        }

        float[] table = CosineTable(reference.Bands, options.Coefficients);
        float[] referenceCepstra = TrimmedCepstra(reference, options, table, out int referenceFrames);
        float[] candidateCepstra = TrimmedCepstra(candidate, options, table, out int candidateFrames);
        (double cost, int length) = Warp(referenceCepstra, candidateCepstra, options.Coefficients);
        return new MelCepstralDistortionResult(DecibelsPerUnit * cost / length, cost, length, referenceFrames, candidateFrames);
    }

    /// <summary>Computes the level of every frame: the energy of its mel bands, in dB.</summary>
    /// <param name="mel">A <c>[bands, frames]</c> natural-log mel of magnitudes (as the Vocos front end makes).</param>
    /// <returns>
    /// One value per frame: <c>10 · log10(Σ_n exp(2 x_n))</c> dB, where x<sub>n</sub> are the frame's log-mel values
    /// (so <c>exp(2 x_n)</c> is band n's power). Only differences between frames matter (the absolute scale is arbitrary).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="mel"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="mel"/> has no frames.</exception>
    /// <exception cref="AudioFormatException"><paramref name="mel"/> holds NaN or infinity.</exception>
    public static float[] FrameLevels(LogMel mel)
    {
        ArgumentNullException.ThrowIfNull(mel);
        CheckSpectrogram(mel, nameof(mel));
        return Levels(FrameMajor(mel), mel.Bands, mel.Frames);
    }

    /// <summary>Finds the frames kept by trimming quiet leading and trailing frames.</summary>
    /// <param name="mel">A <c>[bands, frames]</c> natural-log mel.</param>
    /// <param name="trimDecibels">How far below the loudest frame's level (<see cref="FrameLevels"/>) an edge frame may fall and stay; non-negative, infinity keeps all.</param>
    /// <returns>The first kept frame and the number kept (at least one).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mel"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trimDecibels"/> is negative or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="mel"/> has no frames.</exception>
    /// <exception cref="AudioFormatException"><paramref name="mel"/> holds NaN or infinity.</exception>
    public static (int Start, int Count) TrimmedFrames(LogMel mel, double trimDecibels)
    {
        ArgumentNullException.ThrowIfNull(mel);
        new MelCepstralDistortionOptions { TrimDecibels = trimDecibels }.Validate();
        return Trim(FrameLevels(mel), trimDecibels);
    }

    /// <summary>Computes the cepstral coefficients c<sub>1</sub> … c<sub>K</sub> of one frame of log-mel values.</summary>
    /// <param name="logMelFrame">The frame's N natural-log mel values x<sub>0</sub> … x<sub>N−1</sub>.</param>
    /// <param name="destination">Receives <c>c_k = (1/N) Σ_n x_n cos(π k (2n + 1) / 2N)</c> for k = 1 … destination.Length.</param>
    /// <exception cref="ArgumentException">
    /// The frame is empty, the destination is empty, or it asks for as many coefficients as there are bands or more.
    /// </exception>
    /// <exception cref="AudioFormatException">The frame holds NaN or infinity.</exception>
    public static void Cepstrum(ReadOnlySpan<float> logMelFrame, Span<float> destination)
    {
        if (logMelFrame.IsEmpty)
        {
            throw new ArgumentException("The log-mel frame is empty.", nameof(logMelFrame));
        }

        if (destination.IsEmpty || destination.Length >= logMelFrame.Length)
        {
            throw new ArgumentException(
                $"The destination asks for {destination.Length} coefficients; a {logMelFrame.Length}-band frame gives 1 to {logMelFrame.Length - 1}.",
                nameof(destination));
        }

        if (!float.IsFinite(TensorPrimitives.MaxMagnitude(logMelFrame)))
        {
            throw new AudioFormatException("The log-mel frame holds NaN or infinity.");
        }

        Cepstrum(logMelFrame, CosineTable(logMelFrame.Length, destination.Length), destination);
    }

    /// <summary>
    /// Aligns two sequences of cepstral vectors (frame-major, <paramref name="dimension"/> values per frame) by dynamic
    /// time warping and returns the optimal path's summed Euclidean cost and its number of frame pairs.
    /// </summary>
    internal static (double Cost, int Length) Warp(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, int dimension)
    {
        int rows = reference.Length / dimension;
        int columns = candidate.Length / dimension;

        // Two rows of the accumulated-cost table and of the path lengths that go with it: O(columns) memory.
        var previousCost = new double[columns];
        var currentCost = new double[columns];
        var previousLength = new int[columns];
        var currentLength = new int[columns];
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> a = reference.Slice(i * dimension, dimension);
            for (int j = 0; j < columns; j++)
            {
                double distance = TensorPrimitives.Distance(a, candidate.Slice(j * dimension, dimension));
                double best;
                int length;
                if (i == 0 && j == 0)
                {
                    (best, length) = (0, 0);
                }
                else if (i == 0)
                {
                    (best, length) = (currentCost[j - 1], currentLength[j - 1]);
                }
                else if (j == 0)
                {
                    (best, length) = (previousCost[0], previousLength[0]);
                }
                else
                {
                    (best, length) = (previousCost[j - 1], previousLength[j - 1]);
                    Consider(previousCost[j], previousLength[j], ref best, ref length);
                    Consider(currentCost[j - 1], currentLength[j - 1], ref best, ref length);
                }

                currentCost[j] = best + distance;
                currentLength[j] = length + 1;
            }

            (previousCost, currentCost) = (currentCost, previousCost);
            (previousLength, currentLength) = (currentLength, previousLength);
        }

        return (previousCost[columns - 1], previousLength[columns - 1]);
    }

    /// <summary>Takes a predecessor when it is cheaper, or as cheap with a shorter path (ties otherwise keep the match step).</summary>
    private static void Consider(double cost, int length, ref double bestCost, ref int bestLength)
    {
        if (cost < bestCost || (cost == bestCost && length < bestLength))
        {
            bestCost = cost;
            bestLength = length;
        }
    }

    private static float[] TrimmedCepstra(LogMel mel, MelCepstralDistortionOptions options, float[] table, out int frames)
    {
        int bands = mel.Bands;
        int coefficients = options.Coefficients;
        float[] rows = FrameMajor(mel);
        (int start, frames) = Trim(Levels(rows, bands, mel.Frames), options.TrimDecibels);
        var cepstra = new float[frames * coefficients];
        for (int t = 0; t < frames; t++)
        {
            Cepstrum(rows.AsSpan((start + t) * bands, bands), table, cepstra.AsSpan(t * coefficients, coefficients));
        }

        return cepstra;
    }

    private static void Cepstrum(ReadOnlySpan<float> frame, float[] table, Span<float> destination)
    {
        int bands = frame.Length;
        for (int k = 0; k < destination.Length; k++)
        {
            destination[k] = TensorPrimitives.Dot(frame, table.AsSpan(k * bands, bands)) / bands;
        }
    }

    /// <summary>Rows k = 1 … K of the cosine basis: <c>table[(k − 1) · N + n] = cos(π k (2n + 1) / 2N)</c>.</summary>
    private static float[] CosineTable(int bands, int coefficients)
    {
        var table = new float[coefficients * bands];
        for (int k = 1; k <= coefficients; k++)
        {
            for (int n = 0; n < bands; n++)
            {
                table[((k - 1) * bands) + n] = (float)Math.Cos(Math.PI * k * ((2 * n) + 1) / (2.0 * bands));
            }
        }

        return table;
    }

    private static (int Start, int Count) Trim(float[] levels, double trimDecibels)
    {
        double threshold = TensorPrimitives.Max(levels) - trimDecibels;
        int first = 0;
        while (levels[first] < threshold)
        {
            first++;
        }

        int last = levels.Length - 1;
        while (levels[last] < threshold)
        {
            last--;
        }

        return (first, last - first + 1);
    }

    private static float[] Levels(float[] rows, int bands, int frames)
    {
        // 10 · log10(Σ exp(2x)) through log-sum-exp: stable for any range of log-mel values.
        double decibelsPerNeper = 10.0 / Math.Log(10.0);
        var levels = new float[frames];
        var scratch = new float[bands];
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> frame = rows.AsSpan(t * bands, bands);
            float peak = 2 * TensorPrimitives.Max(frame);
            TensorPrimitives.Multiply(frame, 2f, scratch);
            TensorPrimitives.Subtract(scratch, peak, scratch);
            TensorPrimitives.Exp(scratch, scratch);
            levels[t] = (float)(decibelsPerNeper * (peak + Math.Log(TensorPrimitives.Sum<float>(scratch))));
        }

        return levels;
    }

    /// <summary>Copies a band-major <c>[bands, frames]</c> mel into frame-major rows of <c>bands</c> values.</summary>
    private static float[] FrameMajor(LogMel mel)
    {
        int bands = mel.Bands;
        int frames = mel.Frames;
        float[] values = mel.Values;
        var rows = new float[values.Length];
        for (int n = 0; n < bands; n++)
        {
            int offset = n * frames;
            for (int t = 0; t < frames; t++)
            {
                rows[(t * bands) + n] = values[offset + t];
            }
        }

        return rows;
    }

    private static void CheckSpectrogram(LogMel mel, string parameter)
    {
        if (mel.Frames == 0)
        {
            throw new ArgumentException($"The {parameter} log-mel has no frames.", parameter);
        }

        if (float.IsFinite(TensorPrimitives.MaxMagnitude(mel.Values)))
        {
            return;
        }

        int index = Array.FindIndex(mel.Values, v => !float.IsFinite(v));
        throw new AudioFormatException(
            $"The {parameter} log-mel holds {mel.Values[index]} at band {index / mel.Frames}, frame {index % mel.Frames}; log-mel values must be finite.");
    }
}
