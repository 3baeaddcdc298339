using LeWm.Audio.IO;

namespace LeWm.Audio.Tests.IO;

public sealed class NpyFileTests
{
    [Fact]
    public void Write_ThenRead_RoundTripsDataAndShape()
    {
        float[] data = Enumerable.Range(0, 6).Select(i => i * 0.5f).ToArray();
        string path = Fixture.TempFile(".npy");

        NpyFile.Write(path, data, 2, 3);
        NpyArray back = NpyFile.Read(path);

        Assert.Equal([2, 3], back.Shape);
        Assert.Equal(data, back.Data);
    }

    [Fact]
    public void Write_HeaderIsNumPyVersion1AlignedTo64Bytes()
    {
        string path = Fixture.TempFile(".npy");
        NpyFile.Write(path, new float[7], 7);

        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = bytes[8] | (bytes[9] << 8);

        Assert.Equal(1, bytes[6]);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', bytes[10 + headerLength - 1]);
        Assert.Equal(10 + headerLength + (7 * 4), bytes.Length);
    }

    [Fact]
    public void Read_PythonWrittenFixture_ReadsShape() =>
        Assert.Equal([100, 258], Fixture.Npy("mel", "speech.logmel.npy").Shape);

    [Fact]
    public void Read_NotNpy_ThrowsLeWmException()
    {
        string path = Fixture.TempFile(".npy");
        File.WriteAllText(path, "hello world, not numpy");
        Assert.Throws<LeWmException>(() => NpyFile.Read(path));
    }

    [Fact]
    public void Write_ShapeMismatch_Throws() =>
        Assert.Throws<ArgumentException>(() => NpyFile.Write(Fixture.TempFile(".npy"), new float[5], 2, 3));
}
