using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace LeWm.Checkpoints.Pickle;

/// <summary>
/// Reads the pickle of a PyTorch state dict (<c>data.pkl</c>) into inert values, accepting only what a state dict
/// needs. This is the safety scan: it walks every opcode of protocols 0–5 with its exact argument length, resolves
/// each <c>GLOBAL</c> and <c>STACK_GLOBAL</c> (whose module and name may come from the memo) against
/// <see cref="PickleAllowList"/>, and refuses any other global, <c>INST</c>, <c>OBJ</c>, <c>NEWOBJ</c>,
/// <c>NEWOBJ_EX</c>, the <c>EXT</c> registry, text persistent ids, out-of-band buffers and sets.
/// </summary>
/// <remarks>
/// Nothing is ever called: an allowed global is a marker (<see cref="PickleGlobal"/>), and <c>REDUCE</c> on it makes a
/// description (<see cref="TensorReference"/>, <see cref="PickleDictionary"/>). No storage is read and no tensor made
/// here, so a refused file has had no effect at all. Values: <c>null</c> (None), <see cref="bool"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="string"/>, <c>byte[]</c>, <c>object?[]</c> (tuple), <c>List&lt;object?&gt;</c>,
/// <see cref="PickleDictionary"/>, <see cref="PickleGlobal"/>, <see cref="StorageReference"/>,
/// <see cref="TensorReference"/>. Not thread-safe; use one instance per pickle.
/// </remarks>
internal sealed class RestrictedUnpickler
{
    private const int HighestProtocol = 5;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _pickle;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;
    private int _opcodeStart;
    private PickleOpcode _opcode;

    private RestrictedUnpickler(byte[] pickle, string source)
    {
        _pickle = pickle;
        _source = source;
    }

    /// <summary>Reads <paramref name="pickle"/> and returns the object it describes.</summary>
    /// <param name="pickle">The pickle's bytes.</param>
    /// <param name="source">The file it came from, named in every error.</param>
    /// <returns>The unpickled value (see the class remarks for the types it can be).</returns>
    /// <exception cref="CheckpointFormatException">
    /// The pickle asks for a global or an opcode a state dict does not need, or it is malformed.
    /// </exception>
    public static object? Unpickle(byte[] pickle, string source)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        ArgumentNullException.ThrowIfNull(source);
        return new RestrictedUnpickler(pickle, source).Run();
    }

    private object? Run()
    {
        while (true)
        {
            if (_position >= _pickle.Length)
            {
                throw Corrupt("ends without a STOP opcode");
            }

            _opcodeStart = _position;
            _opcode = (PickleOpcode)_pickle[_position++];
            if (_opcode == PickleOpcode.Stop)
            {
                return Pop();
            }

            Step();
        }
    }

    private void Step()
    {
        switch (_opcode)
        {
            // Framing and stack control.
            case PickleOpcode.Proto:
                int protocol = ReadByte();
                if (protocol > HighestProtocol)
                {
                    throw Corrupt($"declares pickle protocol {protocol}; protocols 0 to {HighestProtocol} are supported");
                }

                break;
            case PickleOpcode.Frame:
                ulong frame = ReadUInt64();
                if (frame > (ulong)(_pickle.Length - _position))
                {
                    throw Corrupt($"announces a frame of {frame} bytes, more than is left");
                }

                break;
            case PickleOpcode.Mark:
                _marks.Push(_stack.Count);
                break;
            case PickleOpcode.Pop:
                if (_stack.Count > MarkBase)
                {
                    _stack.RemoveAt(_stack.Count - 1);
                }
                else if (_marks.Count > 0)
                {
                    _marks.Pop();
                }
                else
                {
                    throw Corrupt("pops from an empty stack");
                }

                break;
            case PickleOpcode.PopMark:
                PopMark();
                break;
            case PickleOpcode.Dup:
                Push(Peek());
                break;

            // Numbers and constants.
            case PickleOpcode.None:
                Push(null);
                break;
            case PickleOpcode.NewTrue:
                Push(true);
                break;
            case PickleOpcode.NewFalse:
                Push(false);
                break;
            case PickleOpcode.Int:
                Push(ParseTextInt(ReadLine()));
                break;
            case PickleOpcode.BinInt:
                Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                break;
            case PickleOpcode.BinInt1:
                Push((long)ReadByte());
                break;
            case PickleOpcode.BinInt2:
                Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                break;
            case PickleOpcode.Long:
                Push(ParseTextLong(ReadLine()));
                break;
            case PickleOpcode.Long1:
                Push(DecodeLong(ReadBytes(ReadByte())));
                break;
            case PickleOpcode.Long4:
                Push(DecodeLong(ReadBytes(ReadLength32Signed())));
                break;
            case PickleOpcode.Float:
                Push(ParseTextFloat(ReadLine()));
                break;
            case PickleOpcode.BinFloat:
                Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                break;

            // Strings and bytes.
            case PickleOpcode.String:
                Push(PickleTextLiterals.DecodeQuoted(ReadLine()) ?? throw Corrupt("has a STRING argument that is not a valid quoted literal"));
                break;
            case PickleOpcode.BinString:
                Push(Encoding.Latin1.GetString(ReadBytes(ReadLength32Signed())));
                break;
            case PickleOpcode.ShortBinString:
                Push(Encoding.Latin1.GetString(ReadBytes(ReadByte())));
                break;
            case PickleOpcode.Unicode:
                Push(PickleTextLiterals.DecodeRawUnicodeEscape(ReadLine()) ?? throw Corrupt("has a UNICODE argument with a malformed escape"));
                break;
            case PickleOpcode.BinUnicode:
                Push(DecodeUtf8(ReadBytes(ReadUInt32())));
                break;
            case PickleOpcode.ShortBinUnicode:
                Push(DecodeUtf8(ReadBytes(ReadByte())));
                break;
            case PickleOpcode.BinUnicode8:
                Push(DecodeUtf8(ReadBytes(ReadUInt64())));
                break;
            case PickleOpcode.BinBytes:
                Push(ReadBytes(ReadUInt32()).ToArray());
                break;
            case PickleOpcode.ShortBinBytes:
                Push(ReadBytes(ReadByte()).ToArray());
                break;
            case PickleOpcode.BinBytes8:
            case PickleOpcode.ByteArray8:
                Push(ReadBytes(ReadUInt64()).ToArray());
                break;

            // Containers.
            case PickleOpcode.EmptyTuple:
                Push(Array.Empty<object?>());
                break;
            case PickleOpcode.Tuple:
                Push(PopMark());
                break;
            case PickleOpcode.Tuple1:
                Push(PopMany(1));
                break;
            case PickleOpcode.Tuple2:
                Push(PopMany(2));
                break;
            case PickleOpcode.Tuple3:
                Push(PopMany(3));
                break;
            case PickleOpcode.EmptyList:
                Push(new List<object?>());
                break;
            case PickleOpcode.List:
                Push(new List<object?>(PopMark()));
                break;
            case PickleOpcode.Append:
                object? item = Pop();
                PeekList().Add(item);
                break;
            case PickleOpcode.Appends:
                object?[] items = PopMark();
                PeekList().AddRange(items);
                break;
            case PickleOpcode.EmptyDict:
                Push(new PickleDictionary());
                break;
            case PickleOpcode.Dict:
                var dict = new PickleDictionary();
                AddPairs(dict, PopMark());
                Push(dict);
                break;
            case PickleOpcode.SetItem:
                object? value = Pop();
                object? key = Pop();
                PeekDictionary().Entries.Add(new(key, value));
                break;
            case PickleOpcode.SetItems:
                object?[] pairs = PopMark();
                AddPairs(PeekDictionary(), pairs);
                break;

            // Memo.
            case PickleOpcode.Put:
                _memo[ParseMemoIndex(ReadLine())] = Peek();
                break;
            case PickleOpcode.BinPut:
                _memo[ReadByte()] = Peek();
                break;
            case PickleOpcode.LongBinPut:
                _memo[ReadUInt32()] = Peek();
                break;
            case PickleOpcode.Memoize:
                _memo[_memo.Count] = Peek();
                break;
            case PickleOpcode.Get:
                Push(MemoEntry(ParseMemoIndex(ReadLine())));
                break;
            case PickleOpcode.BinGet:
                Push(MemoEntry(ReadByte()));
                break;
            case PickleOpcode.LongBinGet:
                Push(MemoEntry(ReadUInt32()));
                break;

            // Globals, calls and persistent ids: only the state-dict subset.
            case PickleOpcode.Global:
                string module = DecodeUtf8(ReadLine());
                string name = DecodeUtf8(ReadLine());
                Push(ResolveGlobal(module, name));
                break;
            case PickleOpcode.StackGlobal:
                object? stackName = Pop();
                object? stackModule = Pop();
                if (stackModule is not string moduleText || stackName is not string nameText)
                {
                    throw Corrupt($"has a STACK_GLOBAL whose operands are {Describe(stackModule)} and {Describe(stackName)}, not two strings");
                }

                Push(ResolveGlobal(moduleText, nameText));
                break;
            case PickleOpcode.Reduce:
                object? arguments = Pop();
                object? callable = Pop();
                Push(Reduce(callable, arguments));
                break;
            case PickleOpcode.Build:
                object? state = Pop();
                Build(Peek(), state);
                break;
            case PickleOpcode.BinPersId:
                Push(LoadPersistent(Pop()));
                break;
            case PickleOpcode.Inst:
                string instModule = DecodeUtf8(ReadLine());
                string instName = DecodeUtf8(ReadLine());
                throw Refuse(PickleAllowList.DisplayName(instModule, instName));
            case PickleOpcode.Obj:
                object?[] objItems = PopMark();
                throw objItems.Length > 0 && objItems[0] is PickleGlobal objClass ? Refuse(objClass.Name) : Unsupported();
            case PickleOpcode.Ext1:
                throw RefuseExtension(ReadByte());
            case PickleOpcode.Ext2:
                throw RefuseExtension(BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
            case PickleOpcode.Ext4:
                throw RefuseExtension(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
            case PickleOpcode.NewObj:
            case PickleOpcode.NewObjEx:
            case PickleOpcode.PersId:
            case PickleOpcode.NextBuffer:
            case PickleOpcode.ReadOnlyBuffer:
            case PickleOpcode.EmptySet:
            case PickleOpcode.AddItems:
            case PickleOpcode.FrozenSet:
                throw Unsupported();
            default:
                throw Corrupt($"holds the unknown opcode 0x{(byte)_opcode:X2}");
        }
    }

    private PickleGlobal ResolveGlobal(string module, string name) =>
        PickleAllowList.Find(module, name) ?? throw Refuse(PickleAllowList.DisplayName(module, name));

    private object Reduce(object? callable, object? arguments)
    {
        if (callable is not PickleGlobal global)
        {
            throw Corrupt($"has a REDUCE that calls {Describe(callable)}");
        }

        if (arguments is not object?[] args)
        {
            throw Corrupt($"has a REDUCE of {global.Name} whose arguments are {Describe(arguments)}, not a tuple");
        }

        switch (global.Kind)
        {
            case AllowedGlobal.OrderedDict when args.Length == 0:
                return new PickleDictionary();
            case AllowedGlobal.RebuildTensorV2 when args.Length is 6 or 7:
            case AllowedGlobal.RebuildTensor when args.Length == 4:
                if (args[0] is not StorageReference storage)
                {
                    throw Corrupt($"calls {global.Name} on {Describe(args[0])} instead of a storage");
                }

                long offset = AsInteger(args[1], global.Name, "storage offset");
                long[] shape = AsIntegers(args[2], global.Name, "size");
                long[] stride = AsIntegers(args[3], global.Name, "stride");
                if (shape.Length != stride.Length)
                {
                    throw Corrupt($"calls {global.Name} with size {ShapeText.Format(shape)} and stride {ShapeText.Format(stride)} of different lengths");
                }

                return new TensorReference(storage, offset, shape, stride);
            case AllowedGlobal.RebuildParameter when args.Length == 3:
            case AllowedGlobal.RebuildParameterWithState when args.Length == 4:
                return args[0] as TensorReference
                    ?? throw Corrupt($"calls {global.Name} on {Describe(args[0])} instead of a tensor");
            case AllowedGlobal.StorageType:
                throw Refuse(global.Name);
            default:
                throw Corrupt($"calls {global.Name} with {args.Length} arguments, which a state dict never does");
        }
    }

    private void Build(object? target, object? state)
    {
        // OrderedDict.__reduce__ passes the instance's __dict__ (a state dict's `_metadata`) as BUILD state.
        // It is kept by nobody: the tensors are all a state dict needs.
        if (target is PickleDictionary && state is PickleDictionary or null)
        {
            return;
        }

        throw Corrupt($"has a BUILD that sets the state of {Describe(target)} from {Describe(state)}, which a state dict never does");
    }

    private StorageReference LoadPersistent(object? pid)
    {
        // torch.save writes ('storage', <storage class>, key, location, element count).
        if (pid is object?[] { Length: 5 } tuple
            && tuple[0] is "storage"
            && tuple[1] is PickleGlobal { Kind: AllowedGlobal.StorageType } storageType
            && tuple[2] is string key
            && tuple[3] is string
            && tuple[4] is long count
            && count >= 0)
        {
            return new StorageReference(key, storageType.StorageType, count);
        }

        throw Corrupt($"has a persistent id ({Describe(pid)}) that is not a PyTorch storage record");
    }

    private long AsInteger(object? value, string function, string what) =>
        value is long number && number >= 0
            ? number
            : throw Corrupt($"calls {function} with a {what} of {Describe(value)}, not a non-negative integer");

    private long[] AsIntegers(object? value, string function, string what)
    {
        if (value is not object?[] tuple)
        {
            throw Corrupt($"calls {function} with a {what} of {Describe(value)}, not a tuple of integers");
        }

        var numbers = new long[tuple.Length];
        for (int i = 0; i < tuple.Length; i++)
        {
            numbers[i] = AsInteger(tuple[i], function, what + " element");
        }

        return numbers;
    }

    private void AddPairs(PickleDictionary dict, object?[] items)
    {
        if (items.Length % 2 != 0)
        {
            throw Corrupt($"sets {items.Length} dict items, an odd number");
        }

        for (int i = 0; i < items.Length; i += 2)
        {
            dict.Entries.Add(new(items[i], items[i + 1]));
        }
    }

    private int MarkBase => _marks.Count > 0 ? _marks.Peek() : 0;

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() =>
        _stack.Count > MarkBase ? _stack[^1] : throw Corrupt("reads from an empty stack");

    private object? Pop()
    {
        object? top = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    private object?[] PopMany(int count)
    {
        if (_stack.Count - MarkBase < count)
        {
            throw Corrupt("pops from an empty stack");
        }

        object?[] items = _stack.GetRange(_stack.Count - count, count).ToArray();
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0)
        {
            throw Corrupt("looks for a MARK that is not there");
        }

        int mark = _marks.Pop();
        object?[] items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private List<object?> PeekList() =>
        Peek() as List<object?> ?? throw Corrupt($"appends to {Describe(Peek())}, not a list");

    private PickleDictionary PeekDictionary() =>
        Peek() as PickleDictionary ?? throw Corrupt($"sets items on {Describe(Peek())}, not a dict");

    private object? MemoEntry(long index) =>
        _memo.TryGetValue(index, out object? value) ? value : throw Corrupt($"reads memo entry {index}, which was never stored");

    private byte ReadByte() =>
        _position < _pickle.Length ? _pickle[_position++] : throw Corrupt("ends inside an opcode's argument");

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    private ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    private int ReadLength32Signed()
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
        return length >= 0 ? length : throw Corrupt($"has a negative length ({length})");
    }

    private ReadOnlySpan<byte> ReadBytes(ulong count)
    {
        if (count > (ulong)(_pickle.Length - _position))
        {
            throw Corrupt($"ends inside an opcode's argument ({count} bytes announced, {_pickle.Length - _position} left)");
        }

        var bytes = new ReadOnlySpan<byte>(_pickle, _position, (int)count);
        _position += (int)count;
        return bytes;
    }

    private ReadOnlySpan<byte> ReadBytes(long count) => ReadBytes((ulong)count);

    private ReadOnlySpan<byte> ReadBytes(int count) => ReadBytes((ulong)count);

    private ReadOnlySpan<byte> ReadLine()
    {
        int length = _pickle.AsSpan(_position).IndexOf((byte)'\n');
        if (length < 0)
        {
            throw Corrupt("ends inside a text argument (no newline)");
        }

        var line = new ReadOnlySpan<byte>(_pickle, _position, length);
        _position += length + 1;
        return line;
    }

    private string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt("has a string that is not valid UTF-8");
        }
    }

    private object ParseTextInt(ReadOnlySpan<byte> line)
    {
        // Protocol 0 writes False and True as INT 00 and INT 01.
        if (line.SequenceEqual("00"u8))
        {
            return false;
        }

        if (line.SequenceEqual("01"u8))
        {
            return true;
        }

        return ParseTextLong(line);
    }

    private long ParseTextLong(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> digits = line.Length > 0 && line[^1] == (byte)'L' ? line[..^1] : line;
        return long.TryParse(Encoding.ASCII.GetString(digits), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Corrupt("has a text integer that is malformed or wider than 64 bits");
    }

    private double ParseTextFloat(ReadOnlySpan<byte> line)
    {
        string text = Encoding.ASCII.GetString(line);
        switch (text)
        {
            case "inf":
                return double.PositiveInfinity;
            case "-inf":
                return double.NegativeInfinity;
            case "nan":
                return double.NaN;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw Corrupt("has a malformed text float");
    }

    private long ParseMemoIndex(ReadOnlySpan<byte> line) =>
        long.TryParse(Encoding.ASCII.GetString(line), NumberStyles.None, CultureInfo.InvariantCulture, out long index)
            ? index
            : throw Corrupt("has a malformed memo index");

    private long DecodeLong(ReadOnlySpan<byte> bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue
            ? (long)value
            : throw Corrupt("holds an integer wider than 64 bits");
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        bool => "a bool",
        long number => "the integer " + number.ToString(CultureInfo.InvariantCulture),
        double => "a float",
        string text => "the string '" + (text.Length <= 40 ? text : text[..40] + "…") + "'",
        byte[] => "bytes",
        object?[] tuple => $"a tuple of {tuple.Length}",
        List<object?> => "a list",
        PickleDictionary => "a dict",
        PickleGlobal global => global.Name,
        StorageReference => "a storage",
        TensorReference => "a tensor",
        _ => value.GetType().Name,
    };

    private static string OpcodeName(PickleOpcode opcode) => opcode switch
    {
        PickleOpcode.NewObj => "NEWOBJ",
        PickleOpcode.NewObjEx => "NEWOBJ_EX",
        PickleOpcode.PersId => "PERSID",
        PickleOpcode.NextBuffer => "NEXT_BUFFER",
        PickleOpcode.ReadOnlyBuffer => "READONLY_BUFFER",
        PickleOpcode.EmptySet => "EMPTY_SET",
        PickleOpcode.AddItems => "ADDITEMS",
        PickleOpcode.FrozenSet => "FROZENSET",
        PickleOpcode.Obj => "OBJ",
        _ => opcode.ToString().ToUpperInvariant(),
    };

    private CheckpointFormatException Refuse(string global) =>
        new($"'{_source}' asks to call {global} while unpickling; a weights file must contain only tensors. Refusing to load it.");

    private CheckpointFormatException RefuseExtension(int code) =>
        new($"'{_source}' asks to call the object registered as pickle extension {code} (opcode {OpcodeName(_opcode)}) while unpickling; a weights file must contain only tensors. Refusing to load it.");

    private CheckpointFormatException Unsupported() =>
        new($"'{_source}' uses the pickle opcode {OpcodeName(_opcode)} (byte {_opcodeStart} of its pickle), which a state dict never needs; a weights file must contain only tensors. Refusing to load it.");

    private CheckpointFormatException Corrupt(string detail) =>
        new($"'{_source}' is not a valid PyTorch state dict: its pickle {detail} (opcode at byte {_opcodeStart}).");
}
