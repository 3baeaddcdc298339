using System.Numerics.Tensors;

namespace LeWm.Audio.Dsp;

/// <summary>Input checks shared by the DSP entry points.</summary>
internal static class SampleGuard
{
    /// <summary>Throws <see cref="AudioFormatException"/> naming the first sample that is NaN or infinite.</summary>
    public static void ThrowIfNotFinite(ReadOnlySpan<float> samples)
    {
        // One vectorised pass: the largest magnitude is NaN or infinite exactly when some sample is.
        if (samples.IsEmpty || float.IsFinite(TensorPrimitives.MaxMagnitude(samples)))
        {
            return;
        }

        for (int i = 0; i < samples.Length; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                throw new AudioFormatException($"Sample {i} of the audio is {samples[i]}; audio must be finite.");
            }
        }
    }
}
