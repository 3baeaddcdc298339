using System.Buffers.Binary;
using System.Text;
using LeWm.Checkpoints.Pickle;

namespace LeWm.Checkpoints.Tests;

/// <summary>Writes pickles opcode by opcode, for tests that need pickles PyTorch would never write.</summary>
internal sealed class PickleBuilder
{
    private readonly List<byte> _bytes = [];

    public PickleBuilder Op(PickleOpcode opcode, params byte[] argument)
    {
        _bytes.Add((byte)opcode);
        _bytes.AddRange(argument);
        return this;
    }

    public PickleBuilder Proto(byte version) => Op(PickleOpcode.Proto, version);

    /// <summary>An opcode whose argument is text lines, each ended by a newline (GLOBAL, INST, INT, PUT...).</summary>
    public PickleBuilder Text(PickleOpcode opcode, params string[] lines) =>
        Op(opcode, Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));

    public PickleBuilder Global(string module, string name) => Text(PickleOpcode.Global, module, name);

    public PickleBuilder ShortUnicode(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        return Op(PickleOpcode.ShortBinUnicode, [(byte)utf8.Length, .. utf8]);
    }

    public PickleBuilder Unicode(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Op(PickleOpcode.BinUnicode, [.. length, .. utf8]);
    }

    public PickleBuilder Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return Op(PickleOpcode.BinInt, bytes);
    }

    public PickleBuilder Stop() => Op(PickleOpcode.Stop);

    public byte[] ToArray() => [.. _bytes];
}
