using LeWm.Audio;
using LeWm.Audio.Mel;
using LeWm.Samples.WebApp;

namespace LeWm.WebApp.Tests;

public sealed class SpectrogramRendererTests
{
    private static readonly SpectrogramRenderer s_renderer = new(new MelSpectrogram());

    [Fact]
    public void RenderPng_OneSecondAt24k_IsOnePixelPerFrameAndTwoRowsPerBand()
    {
        PngImage image = PngImage.Read(s_renderer.RenderPng(Sine(440, 24_000, seconds: 1)));

        Assert.Equal(1 + (24_000 / 256), image.Width);
        Assert.Equal(100 * SpectrogramRenderer.PixelsPerBand, image.Height);
    }

    [Fact]
    public void RenderPng_LowTone_IsBrightNearTheBottomAndDarkAtTheTop()
    {
        PngImage image = PngImage.Read(s_renderer.RenderPng(Sine(300, 24_000, seconds: 1)));
        int middle = image.Width / 2;

        int bottomBrightness = Enumerable.Range(image.Height * 3 / 4, image.Height / 4).Max(y => Brightness(image.Pixel(middle, y)));
        int topBrightness = Enumerable.Range(0, image.Height / 4).Max(y => Brightness(image.Pixel(middle, y)));

        Assert.True(bottomBrightness > 600, $"The loudest low row is {bottomBrightness} (R+G+B); a 300 Hz tone should be near the top of the ramp.");
        Assert.True(topBrightness < 150, $"The loudest high row is {topBrightness} (R+G+B); above 9 kHz a 300 Hz tone should be near the floor.");
    }

    [Fact]
    public void RenderPng_LongAudio_IsCappedAtMaxWidth()
    {
        PngImage image = PngImage.Read(s_renderer.RenderPng(Sine(440, 24_000, seconds: 20)));

        Assert.Equal(SpectrogramRenderer.MaxWidth, image.Width);
    }

    [Fact]
    public void RenderPng_16kHzAudio_IsResampledToTheMelRate()
    {
        PngImage image = PngImage.Read(s_renderer.RenderPng(Sine(440, 16_000, seconds: 1)));

        Assert.Equal(1 + (24_000 / 256), image.Width);
    }

    [Fact]
    public void RenderPng_ShorterThanOneWindow_ThrowsAudioFormatException() =>
        Assert.Throws<AudioFormatException>(() => s_renderer.RenderPng(new AudioClip(new float[100], 24_000)));

    [Fact]
    public void Colour_Ends_AreTheRampEnds()
    {
        Assert.Equal(((byte)10, (byte)8, (byte)30), SpectrogramRenderer.Colour(0f));
        Assert.Equal(((byte)255, (byte)250, (byte)210), SpectrogramRenderer.Colour(1f));
    }

    private static int Brightness((byte R, byte G, byte B) pixel) => pixel.R + pixel.G + pixel.B;

    private static AudioClip Sine(double hertz, int sampleRate, double seconds)
    {
        float[] samples = new float[(int)(sampleRate * seconds)];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.5f * MathF.Sin((float)(2 * Math.PI * hertz * i / sampleRate));
        }

        return new AudioClip(samples, sampleRate);
    }
}
