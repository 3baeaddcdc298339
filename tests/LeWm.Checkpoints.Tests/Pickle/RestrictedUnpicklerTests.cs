using LeWm.Checkpoints.Pickle;

namespace LeWm.Checkpoints.Tests.Pickle;

/// <summary>The safety scan on hand-written pickles: every way to name a callable is resolved and refused, data still reads.</summary>
public sealed class RestrictedUnpicklerTests
{
    private const string Source = "weights/pytorch_model.bin";

    [Fact]
    public void Unpickle_GlobalOsSystem_RefusesNamingIt()
    {
        byte[] pickle = new PickleBuilder().Proto(2).Global("os", "system").ShortUnicode("touch /tmp/x")
            .Op(PickleOpcode.Tuple1).Op(PickleOpcode.Reduce).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Equal(
            "'weights/pytorch_model.bin' asks to call os.system while unpickling; a weights file must contain only tensors. Refusing to load it.",
            error.Message);
    }

    [Fact]
    public void Unpickle_StackGlobalFromMemo_ResolvesAndRefusesIt()
    {
        // Memoise the strings, drop them, and fetch them back for STACK_GLOBAL: the scan must follow the memo.
        byte[] pickle = new PickleBuilder().Proto(4)
            .ShortUnicode("posix").Op(PickleOpcode.Memoize).Op(PickleOpcode.Pop)
            .ShortUnicode("system").Op(PickleOpcode.BinPut, 7).Op(PickleOpcode.Pop)
            .Op(PickleOpcode.BinGet, 0).Op(PickleOpcode.LongBinGet, 7, 0, 0, 0).Op(PickleOpcode.StackGlobal)
            .ShortUnicode("id").Op(PickleOpcode.Tuple1).Op(PickleOpcode.Reduce).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("asks to call posix.system", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpickle_StackGlobalFromTextMemoAndDup_RefusesNamingIt()
    {
        byte[] pickle = new PickleBuilder().Proto(4)
            .Text(PickleOpcode.Unicode, "builtins").Text(PickleOpcode.Put, "12").Op(PickleOpcode.Pop)
            .Text(PickleOpcode.Get, "12").ShortUnicode("exec").Op(PickleOpcode.Dup).Op(PickleOpcode.Pop)
            .Op(PickleOpcode.StackGlobal).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("asks to call builtins.exec", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpickle_Python2BuiltinModuleName_IsReportedAsBuiltins()
    {
        byte[] pickle = new PickleBuilder().Proto(2).Global("__builtin__", "eval").Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("asks to call builtins.eval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpickle_LoadFromBytes_IsRefusedBecauseItUnpicklesNestedData()
    {
        byte[] pickle = new PickleBuilder().Proto(2).Global("torch.storage", "_load_from_bytes").Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("asks to call torch.storage._load_from_bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpickle_Inst_RefusesNamingTheClass()
    {
        byte[] pickle = new PickleBuilder().Op(PickleOpcode.Mark).ShortUnicode("touch /tmp/x")
            .Text(PickleOpcode.Inst, "os", "system").Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("asks to call os.system", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpickle_ObjEvenWithAnAllowedClass_IsRefused()
    {
        byte[] pickle = new PickleBuilder().Proto(2).Op(PickleOpcode.Mark).Global("collections", "OrderedDict")
            .Op(PickleOpcode.Obj).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("asks to call collections.OrderedDict", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((byte)PickleOpcode.Ext1, "EXT1")]
    [InlineData((byte)PickleOpcode.Ext2, "EXT2")]
    [InlineData((byte)PickleOpcode.Ext4, "EXT4")]
    public void Unpickle_ExtensionRegistry_IsRefused(byte opcode, string name)
    {
        byte[] pickle = new PickleBuilder().Proto(2).Op((PickleOpcode)opcode, 1, 0, 0, 0).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains($"pickle extension 1 (opcode {name})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((byte)PickleOpcode.NewObj, "NEWOBJ")]
    [InlineData((byte)PickleOpcode.NewObjEx, "NEWOBJ_EX")]
    [InlineData((byte)PickleOpcode.EmptySet, "EMPTY_SET")]
    [InlineData((byte)PickleOpcode.NextBuffer, "NEXT_BUFFER")]
    [InlineData((byte)PickleOpcode.PersId, "PERSID")]
    public void Unpickle_OpcodeAStateDictNeverNeeds_IsRefusedByName(byte opcode, string name)
    {
        byte[] pickle = new PickleBuilder().Proto(5).Global("collections", "OrderedDict").Op(PickleOpcode.EmptyTuple)
            .Op((PickleOpcode)opcode).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains($"uses the pickle opcode {name} (byte 28 of its pickle)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpickle_ProtocolZeroText_ReadsDataValues()
    {
        // {'key': 42, "it's": 1.5, 'big': 123, 'flag': True, 'u': 'é'} written the protocol 0 way.
        byte[] pickle = new PickleBuilder()
            .Op(PickleOpcode.Mark).Op(PickleOpcode.Dict).Text(PickleOpcode.Put, "0")
            .Text(PickleOpcode.Unicode, "key").Text(PickleOpcode.Int, "42").Op(PickleOpcode.SetItem)
            .Text(PickleOpcode.String, "\"it's\"").Text(PickleOpcode.Float, "1.5").Op(PickleOpcode.SetItem)
            .Text(PickleOpcode.String, "'big'").Text(PickleOpcode.Long, "123L").Op(PickleOpcode.SetItem)
            .Text(PickleOpcode.String, "'flag'").Text(PickleOpcode.Int, "01").Op(PickleOpcode.SetItem)
            .Text(PickleOpcode.String, "'u'").Text(PickleOpcode.Unicode, "\\u00e9").Op(PickleOpcode.SetItem)
            .Stop().ToArray();

        var dict = Assert.IsType<PickleDictionary>(RestrictedUnpickler.Unpickle(pickle, Source));

        KeyValuePair<object?, object?>[] expected =
            [new("key", 42L), new("it's", 1.5), new("big", 123L), new("flag", true), new("u", "é")];
        Assert.Equal(expected, dict.Entries);
    }

    [Fact]
    public void Unpickle_TorchStyleTensor_DescribesItWithoutReadingAnything()
    {
        // _rebuild_tensor_v2(('storage', torch.HalfStorage, '0', 'cpu', 6), 1, (2, 2), (3, 1), False, OrderedDict())
        byte[] pickle = new PickleBuilder().Proto(2)
            .Global("torch._utils", "_rebuild_tensor_v2")
            .Op(PickleOpcode.Mark)
            .Op(PickleOpcode.Mark).Unicode("storage").Global("torch", "HalfStorage").Unicode("0").Unicode("cpu").Op(PickleOpcode.BinInt1, 6).Op(PickleOpcode.Tuple)
            .Op(PickleOpcode.BinPersId)
            .Op(PickleOpcode.BinInt1, 1)
            .Op(PickleOpcode.BinInt1, 2).Op(PickleOpcode.BinInt1, 2).Op(PickleOpcode.Tuple2)
            .Op(PickleOpcode.BinInt1, 3).Op(PickleOpcode.BinInt1, 1).Op(PickleOpcode.Tuple2)
            .Op(PickleOpcode.NewFalse)
            .Global("collections", "OrderedDict").Op(PickleOpcode.EmptyTuple).Op(PickleOpcode.Reduce)
            .Op(PickleOpcode.Tuple).Op(PickleOpcode.Reduce).Stop().ToArray();

        var tensor = Assert.IsType<TensorReference>(RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Equal(new StorageReference("0", TorchSharp.torch.ScalarType.Float16, 6), tensor.Storage);
        Assert.Equal(1, tensor.StorageOffset);
        Assert.Equal(new long[] { 2, 2 }, tensor.Shape);
        Assert.Equal(new long[] { 3, 1 }, tensor.Stride);
    }

    [Fact]
    public void Unpickle_PersistentIdThatIsNotAStorage_IsRejected()
    {
        byte[] pickle = new PickleBuilder().Proto(2).ShortUnicode("module").Op(PickleOpcode.BinPersId).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("persistent id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpickle_StorageClassCalledDirectly_IsRefused()
    {
        byte[] pickle = new PickleBuilder().Proto(2).Global("torch", "FloatStorage").Op(PickleOpcode.EmptyTuple)
            .Op(PickleOpcode.Reduce).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("asks to call torch.FloatStorage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpickle_StackGlobalOnNonStrings_IsRejected()
    {
        byte[] pickle = new PickleBuilder().Proto(4).Int(1).Int(2).Op(PickleOpcode.StackGlobal).Stop().ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("STACK_GLOBAL whose operands are the integer 1 and the integer 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'X', 100, 0, 0, 0, (byte)'a', (byte)'.' }, "ends inside an opcode's argument")]
    [InlineData(new byte[] { 0x80, 0x04, 0x95, 0xff, 0, 0, 0, 0, 0, 0, 0, (byte)'N', (byte)'.' }, "announces a frame of 255 bytes")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'h', 3, (byte)'.' }, "reads memo entry 3, which was never stored")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'N' }, "ends without a STOP opcode")]
    [InlineData(new byte[] { 0x80, 0x02, 0xff, (byte)'.' }, "holds the unknown opcode 0xFF")]
    [InlineData(new byte[] { 0x80, 0x06, (byte)'N', (byte)'.' }, "declares pickle protocol 6")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'.' }, "reads from an empty stack")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'t', (byte)'.' }, "looks for a MARK that is not there")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'c', (byte)'o', (byte)'s' }, "no newline")]
    [InlineData(new byte[] { 0x80, 0x02, 0x8a, 9, 1, 0, 0, 0, 0, 0, 0, 0, 1, (byte)'.' }, "wider than 64 bits")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'N', (byte)'N', (byte)'R', (byte)'.' }, "has a REDUCE that calls None")]
    public void Unpickle_MalformedPickle_ThrowsNamingTheProblem(byte[] pickle, string problem)
    {
        var error = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Unpickle(pickle, Source));

        Assert.Contains("'weights/pytorch_model.bin' is not a valid PyTorch state dict", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
