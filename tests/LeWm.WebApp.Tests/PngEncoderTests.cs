using LeWm.Samples.WebApp;

namespace LeWm.WebApp.Tests;

public sealed class PngEncoderTests
{
    [Fact]
    public void EncodeRgb_SmallImage_ReadsBackTheSamePixels()
    {
        const int width = 5, height = 3;
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)((i * 37) + 11);
        }

        PngImage image = PngImage.Read(PngEncoder.EncodeRgb(rgb, width, height));

        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Equal(rgb, image.Rgb);
        Assert.Equal(["IHDR", "IDAT", "IEND"], image.ChunkTypes);
    }

    [Fact]
    public void EncodeRgb_AnyImage_EndsWithTheStandardIendChunk()
    {
        byte[] png = PngEncoder.EncodeRgb(new byte[3], 1, 1);

        // IEND has no data, so its CRC-32 is the same in every PNG file: AE 42 60 82.
        byte[] iend = [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];
        Assert.Equal(iend, png[^12..]);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(PngEncoder.MaxSide + 1, 1)]
    public void EncodeRgb_SideOutOfRange_Throws(int width, int height) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.EncodeRgb(new byte[3], width, height));

    [Fact]
    public void EncodeRgb_WrongPixelCount_ThrowsNamingTheSizes()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb(new byte[10], 2, 2));

        Assert.Contains("12 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("got 10", e.Message, StringComparison.Ordinal);
    }
}
