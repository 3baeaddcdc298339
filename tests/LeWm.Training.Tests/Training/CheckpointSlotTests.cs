namespace LeWm.Training.Tests.Training;

public sealed class CheckpointSlotTests : IDisposable
{
    private readonly SyntheticCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    [Fact]
    public void Replace_ExistingFolder_SwapsWholeContent()
    {
        string target = Path.Combine(_corpus.NewFolder(), "last");
        CheckpointSlot.Replace(target, f => File.WriteAllText(Path.Combine(f, "a.txt"), "1"));

        CheckpointSlot.Replace(target, f => File.WriteAllText(Path.Combine(f, "b.txt"), "2"));

        Assert.Equal(["b.txt"], Directory.GetFiles(target).Select(Path.GetFileName));
        Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public void Replace_WriterThrows_LeavesPreviousIntactAndNoTemporary()
    {
        string target = Path.Combine(_corpus.NewFolder(), "last");
        CheckpointSlot.Replace(target, f => File.WriteAllText(Path.Combine(f, "a.txt"), "1"));

        Assert.Throws<IOException>(() => CheckpointSlot.Replace(target, f =>
        {
            File.WriteAllText(Path.Combine(f, "half.txt"), "x");
            throw new IOException("disk full");
        }));

        Assert.Equal("1", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public void Recover_KilledMidWrite_DeletesTemporaryKeepsLast()
    {
        string output = _corpus.NewFolder();
        string target = Path.Combine(output, "last");
        CheckpointSlot.Replace(target, f => File.WriteAllText(Path.Combine(f, "a.txt"), "1"));
        string leftover = Path.Combine(output, ".last.tmp-0123");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "model.safetensors"), "half");

        Assert.True(CheckpointSlot.Recover(target));

        Assert.False(Directory.Exists(leftover));
        Assert.Equal("1", File.ReadAllText(Path.Combine(target, "a.txt")));
    }

    [Fact]
    public void Recover_KilledBetweenRenames_RestoresPrevious()
    {
        string output = _corpus.NewFolder();
        string target = Path.Combine(output, "last");
        string aside = Path.Combine(output, ".last.old-4567");
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "a.txt"), "1");
        Directory.CreateDirectory(Path.Combine(output, ".last.tmp-89ab"));

        Assert.True(CheckpointSlot.Recover(target));

        Assert.Equal("1", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Equal(["last"], Directory.GetDirectories(output).Select(Path.GetFileName));
    }
}
