using LeWm.Audio;
using LeWm.Audio.Wav;

namespace LeWm.Samples.Tests;

/// <summary>Checks a WAV file written by a sample.</summary>
internal static class SpeechFile
{
    /// <summary>Asserts that <paramref name="path"/> is a readable WAV with at least <paramref name="minimum"/> of audio whose RMS level is above −50 dBFS.</summary>
    /// <returns>The audio.</returns>
    public static AudioClip AssertAudible(string path, TimeSpan minimum)
    {
        Assert.True(File.Exists(path), $"'{path}' was not written.");
        AudioClip clip = WavReader.Read(path);
        Assert.True(clip.Duration >= minimum, $"'{path}' holds {clip.Duration.TotalSeconds:0.000} s; expected at least {minimum.TotalSeconds:0.000} s.");
        ReadOnlySpan<float> samples = clip.Samples.Span;
        double sumOfSquares = 0;
        foreach (float sample in samples)
        {
            sumOfSquares += (double)sample * sample;
        }

        double rms = Math.Sqrt(sumOfSquares / samples.Length);
        Assert.True(rms > 0.00316, $"'{path}' is silent: RMS {rms:g3} (−50 dBFS is 0.00316).");
        return clip;
    }
}
