using System.Buffers.Binary;

namespace LeWm.Checkpoints;

/// <summary>Tells a weights file's format from its first bytes, never from its name.</summary>
internal static class CheckpointFormatDetector
{
    /// <summary>
    /// The start of a legacy <c>torch.save</c> file: PROTO 2, then LONG1 of 10 bytes holding PyTorch's magic number
    /// 0x1950a86a20f9469cfc6c (little-endian).
    /// </summary>
    private static ReadOnlySpan<byte> LegacyMagic => [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    /// <summary>Reads the first bytes of <paramref name="path"/> and says what the file is.</summary>
    /// <param name="path">An existing file.</param>
    /// <param name="head">The first bytes read (up to 16), for messages.</param>
    /// <returns>The format.</returns>
    public static CheckpointFormat Detect(string path, out byte[] head)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[16];
        int count = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        head = buffer[..count];
        return Classify(head);
    }

    /// <summary>Says what a file that starts with <paramref name="head"/> is.</summary>
    public static CheckpointFormat Classify(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0)
        {
            return CheckpointFormat.Empty;
        }

        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K'
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
        {
            return CheckpointFormat.TorchZip;
        }

        if (head.Length >= 9 && head[8] == (byte)'{')
        {
            // A plausible header length is enough: a file cut inside its header is still safetensors, and the header
            // reader then says that it is truncated.
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
            if (headerLength > 0 && headerLength <= Safetensors.SafetensorsHeader.MaxHeaderBytes)
            {
                return CheckpointFormat.Safetensors;
            }
        }

        if (head[0] == 0x80)
        {
            return head.Length >= 2 + LegacyMagic.Length && head[1] is >= 2 and <= 5 && head[2..].StartsWith(LegacyMagic)
                ? CheckpointFormat.LegacyTorch
                : CheckpointFormat.Pickle;
        }

        return CheckpointFormat.Unknown;
    }
}
