using System.IO.Compression;
using LeWm.Checkpoints.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Checkpoints.Tests.TorchZip;

/// <summary>PyTorch zip checkpoints written by PyTorch 1.13: exact values, and malicious or broken files refused.</summary>
public sealed class TorchZipCheckpointTests
{
    [Theory]
    [InlineData("state_dict.bin")]
    [InlineData("state_dict_protocol4.bin")]
    public void Load_PyTorchStateDict_MatchesPyTorchExactly(string fixture)
    {
        using var scope = NewDisposeScope();
        IReadOnlyList<ExpectedTensor> expected = Fixture.ExpectedStateDict();

        Dictionary<string, Tensor> tensors = StateDictFile.Load(Fixture.Path(fixture));

        Assert.Equal(expected.Select(e => e.Name), tensors.Keys);
        foreach (ExpectedTensor want in expected)
        {
            Tensor got = tensors[want.Name];
            Assert.Equal(want.DType, ScalarTypes.Name(got.dtype));
            Assert.Equal(want.Shape, got.shape);
            Assert.True(got.is_contiguous(), want.Name);
            Assert.False(got.requires_grad, want.Name);
            if (want.Reals.Length > 0 || want.Integers.Length == 0)
            {
                Assert.Equal(want.Reals, TensorValues.Reals(got));
            }
            else
            {
                Assert.Equal(want.Integers, TensorValues.Integers(got));
            }
        }
    }

    [Fact]
    public void Load_ViewsOfOneStorage_GetTheirOwnMemory()
    {
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> tensors = StateDictFile.Load(Fixture.Path("state_dict.bin"));
        float before = tensors["view.transposed"][0, 1].item<float>();

        tensors["view.base"].fill_(100f);

        Assert.Equal(before, tensors["view.transposed"][0, 1].item<float>());
        Assert.NotEqual(100f, tensors["view.slice"][0, 0].item<float>());
    }

    [Fact]
    public void Load_DisposingTheResult_LeavesNoTensorAlive()
    {
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Dictionary<string, Tensor> tensors = StateDictFile.Load(Fixture.Path("state_dict.bin"));
        foreach (Tensor tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Load_PickleCallingOsSystem_IsRefusedAndRunsNothing()
    {
        const string marker = "/tmp/lewm_pwned_os_system";
        File.Delete(marker);
        string path = Fixture.Path("malicious_os_system.bin");

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal(
            $"'{path}' asks to call os.system while unpickling; a weights file must contain only tensors. Refusing to load it.",
            error.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Load_PickleCallingBuiltinsEval_IsRefusedAndRunsNothing()
    {
        const string marker = "/tmp/lewm_pwned_eval";
        File.Delete(marker);
        string path = Fixture.Path("malicious_eval.bin");

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Contains($"'{path}' asks to call builtins.eval while unpickling", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Load_MaliciousFile_CreatesNoTensorBeforeRefusing()
    {
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(Fixture.Path("malicious_os_system.bin")));

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Load_TruncatedCheckpoint_ThrowsNamingThePath()
    {
        string path = Fixture.Path("truncated.bin");

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.StartsWith($"'{path}' is not a readable zip archive (truncated or corrupt?)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ZipWithoutDataPkl_ThrowsNamingThePath()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.bin");
        RewriteFixture(path, (name, _) => name.EndsWith("data.pkl", StringComparison.Ordinal) ? null : Data(name));

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal($"'{path}' is a zip archive but not a PyTorch checkpoint: it has no '<archive>/data.pkl' record.", error.Message);
    }

    [Fact]
    public void Load_MissingStorageRecord_ThrowsNamingRecordAndTensor()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.bin");
        RewriteFixture(path, (name, _) => name == "archive/data/3" ? null : Data(name));

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal(
            $"Tensor 'half.weight' in '{path}' needs the storage record 'archive/data/3', which the archive does not have.",
            error.Message);
    }

    [Fact]
    public void Load_StorageRecordOfWrongSize_ThrowsNamingIt()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.bin");
        RewriteFixture(path, (name, data) => name == "archive/data/1" ? data[..4] : data);

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal(
            $"Storage record 'archive/data/1' in '{path}' (used by tensor 'linear.bias') holds 4 bytes; the pickle declares 3 float32 elements (12 bytes).",
            error.Message);
    }

    [Fact]
    public void Load_ViewReachingPastItsStorage_ThrowsNamingTheTensor()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.bin");
        byte[] pickle = StateDictPickle("w", storageElements: 4, offset: 2, shape: [3]);
        WriteCheckpoint(path, pickle, ("archive/data/0", new byte[16]));

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal($"Tensor 'w' in '{path}' ([3], stride [1], offset 2) reaches element 4 of storage '0', which holds 4.", error.Message);
    }

    [Fact]
    public void Load_TrainingCheckpointWrappingAStateDict_ThrowsNamingTheEntry()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("last.pt");
        byte[] pickle = new PickleBuilder().Proto(2).Op(PickleOpcode.EmptyDict)
            .Unicode("epoch").Op(PickleOpcode.BinInt1, 3).Op(PickleOpcode.SetItem).Stop().ToArray();
        WriteCheckpoint(path, pickle);

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.StartsWith($"Entry 'epoch' in '{path}' is not a tensor but a Python int;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BigEndianByteOrderRecord_IsRefused()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.bin");
        WriteCheckpoint(path, StateDictPickle("w", 1, 0, [1]), ("archive/data/0", new byte[4]), ("archive/byteorder", "big"u8.ToArray()));

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal($"'{path}' stores its tensors in 'big' byte order; only little-endian checkpoints are supported.", error.Message);
    }

    private static byte[] Data(string name)
    {
        using var archive = ZipFile.OpenRead(Fixture.Path("state_dict.bin"));
        using var stream = archive.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Copies state_dict.bin to <paramref name="path"/>, passing each record through <paramref name="rewrite"/> (null drops it).</summary>
    private static void RewriteFixture(string path, Func<string, byte[], byte[]?> rewrite)
    {
        using var source = ZipFile.OpenRead(Fixture.Path("state_dict.bin"));
        using var target = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (ZipArchiveEntry entry in source.Entries)
        {
            byte[]? data = rewrite(entry.FullName, Data(entry.FullName));
            if (data is not null)
            {
                using Stream stream = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                stream.Write(data);
            }
        }
    }

    private static void WriteCheckpoint(string path, byte[] pickle, params (string Name, byte[] Data)[] records)
    {
        using var target = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach ((string name, byte[] data) in records.Prepend(("archive/data.pkl", pickle)))
        {
            using Stream stream = target.CreateEntry(name, CompressionLevel.NoCompression).Open();
            stream.Write(data);
        }
    }

    /// <summary>A pickle of {name: float32 view of storage '0' with the given offset and 1-D shape}.</summary>
    private static byte[] StateDictPickle(string name, byte storageElements, byte offset, byte[] shape) =>
        new PickleBuilder().Proto(2)
            .Global("collections", "OrderedDict").Op(PickleOpcode.EmptyTuple).Op(PickleOpcode.Reduce)
            .Unicode(name)
            .Global("torch._utils", "_rebuild_tensor_v2")
            .Op(PickleOpcode.Mark)
            .Op(PickleOpcode.Mark).Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu")
            .Op(PickleOpcode.BinInt1, storageElements).Op(PickleOpcode.Tuple).Op(PickleOpcode.BinPersId)
            .Op(PickleOpcode.BinInt1, offset)
            .Op(PickleOpcode.BinInt1, shape[0]).Op(PickleOpcode.Tuple1)
            .Op(PickleOpcode.BinInt1, 1).Op(PickleOpcode.Tuple1)
            .Op(PickleOpcode.NewFalse).Op(PickleOpcode.None)
            .Op(PickleOpcode.Tuple).Op(PickleOpcode.Reduce)
            .Op(PickleOpcode.SetItem).Stop().ToArray();
}
