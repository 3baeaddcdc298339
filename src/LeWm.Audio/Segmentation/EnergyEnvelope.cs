using System.Numerics.Tensors;

namespace LeWm.Audio.Segmentation;

/// <summary>
/// Holds the mean-square energy of a signal's overlapping frames: frame f covers samples
/// [f·hop, f·hop + frameLength), the last frame cut short at the end of the signal.
/// </summary>
internal sealed class EnergyEnvelope
{
    private readonly float[] _energies;

    /// <summary>Measures the energy of every frame of <paramref name="samples"/>.</summary>
    /// <param name="samples">The signal, not empty.</param>
    /// <param name="frameLength">The frame length in samples, positive.</param>
    /// <param name="hop">The step between frames in samples, positive.</param>
    public EnergyEnvelope(ReadOnlySpan<float> samples, int frameLength, int hop)
    {
        FrameLength = frameLength;
        Hop = hop;
        SampleCount = samples.Length;
        int frameCount = samples.Length <= frameLength ? 1 : 1 + ((samples.Length - frameLength + hop - 1) / hop);
        _energies = new float[frameCount];
        for (int f = 0; f < frameCount; f++)
        {
            int start = f * hop;
            ReadOnlySpan<float> frame = samples.Slice(start, Math.Min(frameLength, samples.Length - start));
            _energies[f] = TensorPrimitives.SumOfSquares(frame) / frame.Length;
        }
    }

    /// <summary>The frame length in samples.</summary>
    public int FrameLength { get; }

    /// <summary>The step between frames in samples.</summary>
    public int Hop { get; }

    /// <summary>The length of the signal in samples.</summary>
    public int SampleCount { get; }

    /// <summary>The mean square of each frame (full scale is 1).</summary>
    public ReadOnlySpan<float> Energies => _energies;

    /// <summary>Returns the first sample of frame <paramref name="frame"/>.</summary>
    public int FrameStart(int frame) => frame * Hop;

    /// <summary>Returns the sample one past the end of frame <paramref name="frame"/>.</summary>
    public int FrameEnd(int frame) => Math.Min(SampleCount, (frame * Hop) + FrameLength);

    /// <summary>Returns the sample at the centre of frame <paramref name="frame"/>.</summary>
    public int FrameCentre(int frame) => (FrameStart(frame) + FrameEnd(frame)) / 2;
}
