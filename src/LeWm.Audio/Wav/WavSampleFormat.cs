namespace LeWm.Audio.Wav;

/// <summary>The sample encodings <see cref="WavWriter"/> writes.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit signed integer PCM (samples clipped to [-1, 1] and rounded).</summary>
    Pcm16,

    /// <summary>32-bit IEEE float (<c>WAVE_FORMAT_IEEE_FLOAT</c>), written as is.</summary>
    IeeeFloat32,
}
