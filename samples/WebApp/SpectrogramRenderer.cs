using LeWm.Audio;
using LeWm.Audio.Mel;

namespace LeWm.Samples.WebApp;

/// <summary>
/// Draws speech as a spectrogram PNG: the log-mel of LeWm.Audio's mel front end (the model's own, 100 bands at
/// 24 kHz), low frequencies at the bottom, time left to right, loudness as colour over a 60 dB range.
/// </summary>
/// <param name="mel">The mel front end (thread-safe).</param>
internal sealed class SpectrogramRenderer(MelSpectrogram mel)
{
    /// <summary>The widest image drawn; longer audio puts several frames into one column (their loudest value).</summary>
    public const int MaxWidth = 1200;

    /// <summary>The image rows per mel band.</summary>
    public const int PixelsPerBand = 2;

    /// <summary>The loudness range shown, in nepers of magnitude (60 dB ≈ 6.91): quieter bins are drawn as the floor colour.</summary>
    public const float RangeNepers = 6.91f;

    // Colour ramp from silence to the loudest bin: (position, red, green, blue).
    private static readonly (float At, byte R, byte G, byte B)[] s_ramp =
    [
        (0.00f, 10, 8, 30),
        (0.30f, 72, 20, 110),
        (0.55f, 170, 40, 100),
        (0.75f, 235, 100, 50),
        (0.90f, 250, 190, 60),
        (1.00f, 255, 250, 210),
    ];

    /// <summary>Draws the spectrogram of a clip, resampled to the mel front end's rate first when needed.</summary>
    /// <param name="clip">The audio.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="AudioFormatException">The clip is too short for one analysis window, or holds non-finite samples.</exception>
    public byte[] RenderPng(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        int rate = mel.Options.SampleRate;
        AudioClip atRate = clip.SampleRate == rate ? clip : clip.ResampleTo(rate);
        return RenderPng(mel.Compute(atRate));
    }

    /// <summary>Draws a log-mel spectrogram.</summary>
    /// <param name="logMel">The spectrogram, natural-log magnitudes, <c>[bands, frames]</c>.</param>
    /// <returns>The PNG file's bytes: <c>min(frames, MaxWidth)</c> wide and <c>bands × PixelsPerBand</c> tall.</returns>
    public static byte[] RenderPng(LogMel logMel)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        int width = Math.Min(logMel.Frames, MaxWidth);
        int height = logMel.Bands * PixelsPerBand;
        float ceiling = float.NegativeInfinity;
        foreach (float value in logMel.Values)
        {
            ceiling = Math.Max(ceiling, value);
        }

        float floor = ceiling - RangeNepers;
        byte[] rgb = new byte[width * height * 3];
        for (int x = 0; x < width; x++)
        {
            // Frames [first, end) fall into column x; the loudest of them is drawn, so short sounds stay visible.
            int first = (int)((long)x * logMel.Frames / width);
            int end = Math.Max(first + 1, (int)((long)(x + 1) * logMel.Frames / width));
            for (int band = 0; band < logMel.Bands; band++)
            {
                float loudest = float.NegativeInfinity;
                for (int frame = first; frame < end; frame++)
                {
                    loudest = Math.Max(loudest, logMel[band, frame]);
                }

                float level = Math.Clamp((loudest - floor) / RangeNepers, 0f, 1f);
                (byte r, byte g, byte b) = Colour(level);
                int topRow = (logMel.Bands - 1 - band) * PixelsPerBand;
                for (int dy = 0; dy < PixelsPerBand; dy++)
                {
                    int offset = (((topRow + dy) * width) + x) * 3;
                    rgb[offset] = r;
                    rgb[offset + 1] = g;
                    rgb[offset + 2] = b;
                }
            }
        }

        return PngEncoder.EncodeRgb(rgb, width, height);
    }

    /// <summary>Maps a level in [0, 1] to the colour ramp.</summary>
    /// <param name="level">0 for the floor, 1 for the loudest bin.</param>
    /// <returns>The colour.</returns>
    internal static (byte R, byte G, byte B) Colour(float level)
    {
        for (int i = 1; i < s_ramp.Length; i++)
        {
            if (level <= s_ramp[i].At || i == s_ramp.Length - 1)
            {
                (float at0, byte r0, byte g0, byte b0) = s_ramp[i - 1];
                (float at1, byte r1, byte g1, byte b1) = s_ramp[i];
                float t = Math.Clamp((level - at0) / (at1 - at0), 0f, 1f);
                return (Mix(r0, r1, t), Mix(g0, g1, t), Mix(b0, b1, t));
            }
        }

        return (s_ramp[0].R, s_ramp[0].G, s_ramp[0].B);
    }

    private static byte Mix(byte from, byte to, float t) => (byte)MathF.Round(from + ((to - from) * t));
}
