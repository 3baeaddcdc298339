using LeWm.Audio.Wav;

namespace LeWm.Audio.Tests.Wav;

public sealed class WavWriterTests
{
    [Fact]
    public void Write_Pcm16ThenRead_RoundTripsWithinHalfAStep()
    {
        float[] x = Enumerable.Range(0, 4800).Select(i => 0.8f * MathF.Sin(i * 0.05f)).ToArray();
        string path = Fixture.TempFile(".wav");

        WavWriter.Write(path, x, 24_000);
        AudioClip clip = WavReader.Read(path);

        Assert.Equal(24_000, clip.SampleRate);
        Assert.Equal(x.Length, clip.Length);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(clip.Samples.Span[i] - x[i]) <= 0.5f / 32768f + 1e-7f);
        }
    }

    [Fact]
    public void Write_FloatThenRead_IsBitExact()
    {
        float[] x = [0f, 1e-9f, -0.75f, 1.5f, float.Epsilon];
        string path = Fixture.TempFile(".wav");

        WavWriter.Write(path, x, 22_050, WavSampleFormat.IeeeFloat32);

        Assert.Equal(x, WavReader.Read(path).Samples.ToArray());
    }

    [Fact]
    public void Write_Pcm16_ClipsOutOfRangeSamples()
    {
        string path = Fixture.TempFile(".wav");
        WavWriter.Write(path, [2f, -2f], 8_000);

        float[] y = WavReader.Read(path).Samples.ToArray();

        Assert.Equal(32767 / 32768f, y[0]);
        Assert.Equal(-1f, y[1]);
    }

    [Fact]
    public void Write_ExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        string path = Fixture.TempFile(".wav");
        File.WriteAllText(path, "old");

        WavWriter.Write(path, new float[100], 24_000);

        Assert.Equal(100, WavReader.Read(path).Length);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*.tmp"));
    }
}
