namespace LeWm.Inference;

/// <summary>A sequence of audio latents crossing the <see cref="ISpeechModel"/> seam: <c>[Frames, Size]</c>, row-major.</summary>
/// <remarks>One latent frame covers <see cref="SpeechModelInfo.Downsample"/> mel frames.</remarks>
public sealed class LatentFrames
{
    /// <summary>Wraps latent values (not copied).</summary>
    /// <param name="values">The values, <paramref name="frames"/> × <paramref name="size"/>, row-major.</param>
    /// <param name="frames">The number of latent frames (zero or more).</param>
    /// <param name="size">The latent size (one or more).</param>
    /// <exception cref="ArgumentException">The value count is not frames × size, or a value is NaN or infinite.</exception>
    public LatentFrames(float[] values, int frames, int size)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (values.LongLength != (long)frames * size)
        {
            throw new ArgumentException($"Expected {frames} × {size} = {(long)frames * size} latent values, got {values.LongLength}.", nameof(values));
        }

        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new ArgumentException($"Latent value {bad} (frame {bad / size}) is {values[bad]}; latents must be finite.", nameof(values));
        }

        Values = values;
        Frames = frames;
        Size = size;
    }

    /// <summary>Gets the values, <see cref="Frames"/> × <see cref="Size"/>, row-major.</summary>
    public float[] Values { get; }

    /// <summary>Gets the number of latent frames.</summary>
    public int Frames { get; }

    /// <summary>Gets the latent size.</summary>
    public int Size { get; }

    /// <summary>Gets one frame's values.</summary>
    /// <param name="frame">The frame index.</param>
    /// <returns>A view of <see cref="Size"/> values.</returns>
    public ReadOnlySpan<float> Frame(int frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, Frames);
        return Values.AsSpan(frame * Size, Size);
    }

    /// <summary>Copies frames <c>[start, start + count)</c> into a new sequence.</summary>
    /// <param name="start">The first frame.</param>
    /// <param name="count">The number of frames.</param>
    /// <returns>The slice.</returns>
    public LatentFrames Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Frames, nameof(count));
        return new LatentFrames(Values.AsSpan(start * Size, count * Size).ToArray(), count, Size);
    }
}
