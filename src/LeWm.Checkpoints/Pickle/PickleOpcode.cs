namespace LeWm.Checkpoints.Pickle;

/// <summary>
/// The opcodes of Python's pickle format, protocols 0 to 5, with the byte each is written as
/// (from CPython's <c>Lib/pickle.py</c> and <c>Lib/pickletools.py</c>).
/// </summary>
internal enum PickleOpcode : byte
{
    /// <summary>Pushes a mark on the stack.</summary>
    Mark = (byte)'(',

    /// <summary>Ends the pickle; the top of the stack is the result.</summary>
    Stop = (byte)'.',

    /// <summary>Discards the top of the stack (or the topmost mark).</summary>
    Pop = (byte)'0',

    /// <summary>Discards everything down to and including the topmost mark.</summary>
    PopMark = (byte)'1',

    /// <summary>Pushes a copy of the top of the stack.</summary>
    Dup = (byte)'2',

    /// <summary>Pushes a float written as decimal text (line).</summary>
    Float = (byte)'F',

    /// <summary>Pushes an integer written as decimal text (line); <c>00</c>/<c>01</c> mean False/True.</summary>
    Int = (byte)'I',

    /// <summary>Pushes a signed 4-byte little-endian integer.</summary>
    BinInt = (byte)'J',

    /// <summary>Pushes an unsigned 1-byte integer.</summary>
    BinInt1 = (byte)'K',

    /// <summary>Pushes a long integer written as decimal text (line), with an optional trailing L.</summary>
    Long = (byte)'L',

    /// <summary>Pushes an unsigned 2-byte little-endian integer.</summary>
    BinInt2 = (byte)'M',

    /// <summary>Pushes None.</summary>
    None = (byte)'N',

    /// <summary>Pushes the object a text persistent id (line) names.</summary>
    PersId = (byte)'P',

    /// <summary>Pops a persistent id and pushes the object it names.</summary>
    BinPersId = (byte)'Q',

    /// <summary>Pops an argument tuple and a callable, and pushes the callable's result.</summary>
    Reduce = (byte)'R',

    /// <summary>Pushes a quoted Python 2 string literal (line).</summary>
    String = (byte)'S',

    /// <summary>Pushes a Python 2 string with a signed 4-byte length.</summary>
    BinString = (byte)'T',

    /// <summary>Pushes a Python 2 string with a 1-byte length.</summary>
    ShortBinString = (byte)'U',

    /// <summary>Pushes a raw-unicode-escape encoded string (line).</summary>
    Unicode = (byte)'V',

    /// <summary>Pushes a UTF-8 string with a 4-byte length.</summary>
    BinUnicode = (byte)'X',

    /// <summary>Appends the top of the stack to the list below it.</summary>
    Append = (byte)'a',

    /// <summary>Pops a state and applies it to the object below it (<c>__setstate__</c>).</summary>
    Build = (byte)'b',

    /// <summary>Pushes a global named by two text lines: module and name.</summary>
    Global = (byte)'c',

    /// <summary>Builds a dict from the key/value pairs above the topmost mark.</summary>
    Dict = (byte)'d',

    /// <summary>Pushes an empty dict.</summary>
    EmptyDict = (byte)'}',

    /// <summary>Appends the items above the topmost mark to the list below the mark.</summary>
    Appends = (byte)'e',

    /// <summary>Pushes a memo entry whose index is decimal text (line).</summary>
    Get = (byte)'g',

    /// <summary>Pushes a memo entry with a 1-byte index.</summary>
    BinGet = (byte)'h',

    /// <summary>Calls a class named by two text lines with the items above the topmost mark.</summary>
    Inst = (byte)'i',

    /// <summary>Pushes a memo entry with a 4-byte index.</summary>
    LongBinGet = (byte)'j',

    /// <summary>Builds a list from the items above the topmost mark.</summary>
    List = (byte)'l',

    /// <summary>Pushes an empty list.</summary>
    EmptyList = (byte)']',

    /// <summary>Calls the class just above the topmost mark with the items after it.</summary>
    Obj = (byte)'o',

    /// <summary>Stores the top of the stack in the memo at a decimal text index (line).</summary>
    Put = (byte)'p',

    /// <summary>Stores the top of the stack in the memo at a 1-byte index.</summary>
    BinPut = (byte)'q',

    /// <summary>Stores the top of the stack in the memo at a 4-byte index.</summary>
    LongBinPut = (byte)'r',

    /// <summary>Pops a value and a key and sets them in the dict below.</summary>
    SetItem = (byte)'s',

    /// <summary>Builds a tuple from the items above the topmost mark.</summary>
    Tuple = (byte)'t',

    /// <summary>Pushes an empty tuple.</summary>
    EmptyTuple = (byte)')',

    /// <summary>Sets the key/value pairs above the topmost mark in the dict below the mark.</summary>
    SetItems = (byte)'u',

    /// <summary>Pushes an 8-byte big-endian IEEE double.</summary>
    BinFloat = (byte)'G',

    /// <summary>Declares the protocol version (1-byte argument).</summary>
    Proto = 0x80,

    /// <summary>Calls <c>cls.__new__(cls, *args)</c> with a class and a tuple from the stack.</summary>
    NewObj = 0x81,

    /// <summary>Pushes an object from the copyreg extension registry (1-byte code).</summary>
    Ext1 = 0x82,

    /// <summary>Pushes an object from the copyreg extension registry (2-byte code).</summary>
    Ext2 = 0x83,

    /// <summary>Pushes an object from the copyreg extension registry (4-byte code).</summary>
    Ext4 = 0x84,

    /// <summary>Builds a 1-tuple from the top of the stack.</summary>
    Tuple1 = 0x85,

    /// <summary>Builds a 2-tuple from the top two items.</summary>
    Tuple2 = 0x86,

    /// <summary>Builds a 3-tuple from the top three items.</summary>
    Tuple3 = 0x87,

    /// <summary>Pushes True.</summary>
    NewTrue = 0x88,

    /// <summary>Pushes False.</summary>
    NewFalse = 0x89,

    /// <summary>Pushes a little-endian two's-complement integer with a 1-byte length.</summary>
    Long1 = 0x8a,

    /// <summary>Pushes a little-endian two's-complement integer with a 4-byte length.</summary>
    Long4 = 0x8b,

    /// <summary>Pushes bytes with a 4-byte length (protocol 3).</summary>
    BinBytes = (byte)'B',

    /// <summary>Pushes bytes with a 1-byte length (protocol 3).</summary>
    ShortBinBytes = (byte)'C',

    /// <summary>Pushes a UTF-8 string with a 1-byte length (protocol 4).</summary>
    ShortBinUnicode = 0x8c,

    /// <summary>Pushes a UTF-8 string with an 8-byte length (protocol 4).</summary>
    BinUnicode8 = 0x8d,

    /// <summary>Pushes bytes with an 8-byte length (protocol 4).</summary>
    BinBytes8 = 0x8e,

    /// <summary>Pushes an empty set (protocol 4).</summary>
    EmptySet = 0x8f,

    /// <summary>Adds the items above the topmost mark to the set below the mark (protocol 4).</summary>
    AddItems = 0x90,

    /// <summary>Builds a frozenset from the items above the topmost mark (protocol 4).</summary>
    FrozenSet = 0x91,

    /// <summary>Calls <c>cls.__new__(cls, *args, **kwargs)</c> (protocol 4).</summary>
    NewObjEx = 0x92,

    /// <summary>Pops a name and a module string and pushes that global (protocol 4).</summary>
    StackGlobal = 0x93,

    /// <summary>Stores the top of the stack in the memo at the next free index (protocol 4).</summary>
    Memoize = 0x94,

    /// <summary>Announces a frame of the given 8-byte length (protocol 4).</summary>
    Frame = 0x95,

    /// <summary>Pushes a bytearray with an 8-byte length (protocol 5).</summary>
    ByteArray8 = 0x96,

    /// <summary>Pushes the next out-of-band buffer (protocol 5).</summary>
    NextBuffer = 0x97,

    /// <summary>Makes the buffer on top of the stack read-only (protocol 5).</summary>
    ReadOnlyBuffer = 0x98,
}
