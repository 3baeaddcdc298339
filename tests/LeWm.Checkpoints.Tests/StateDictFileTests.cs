namespace LeWm.Checkpoints.Tests;

/// <summary>StateDictFile picks the format from the content and names the file when it cannot read it.</summary>
public sealed class StateDictFileTests
{
    [Fact]
    public void Load_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("nowhere.bin");

        var error = Assert.Throws<FileNotFoundException>(() => StateDictFile.Load(path));

        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LegacyTorchSave_ThrowsSayingToResaveWithTheDefaultFormat()
    {
        string path = Fixture.Path("legacy.bin");

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.StartsWith($"'{path}' was written in PyTorch's legacy (pre-1.6, non-zip) torch.save format, which is not supported.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Re-save it with torch.save's default (zip) format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextFile_ThrowsNamingThePathAndFirstBytes()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("pytorch_model.bin");
        File.WriteAllText(path, "version https://git-lfs.github.com/spec/v1\n");

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal(
            $"'{path}' is neither a PyTorch zip checkpoint (pytorch_model.bin, .pt) nor a safetensors file; it starts with bytes 76 65 72 73 69 6f 6e 20.",
            error.Message);
    }

    [Fact]
    public void Load_EmptyFile_ThrowsSayingItIsEmpty()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal($"'{path}' is empty; expected a PyTorch zip checkpoint or a safetensors file.", error.Message);
    }

    [Fact]
    public void Load_BarePickle_ThrowsSayingItIsNotACheckpoint()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("weights.pkl");
        File.WriteAllBytes(path, [0x80, 0x04, 0x4e, 0x2e]);

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.StartsWith($"'{path}' is a bare Python pickle", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Load_BlankPath_ThrowsArgumentException(string path) =>
        Assert.Throws<ArgumentException>(() => StateDictFile.Load(path));
}
