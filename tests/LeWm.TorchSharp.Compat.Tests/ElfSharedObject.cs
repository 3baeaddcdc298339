using System.Buffers.Binary;
using System.Text;

namespace LeWm.TorchSharp.Compat.Tests;

/// <summary>One <c>Elf64_Vernaux</c> entry: a symbol version that a shared object needs from a library.</summary>
internal readonly record struct VersionRequirement(string Library, string Version, ushort Flags)
{
    private const ushort VerFlgWeak = 0x2;

    public bool IsWeak => (Flags & VerFlgWeak) != 0;
}

/// <summary>
/// Reads what the tests check in a little-endian ELF64 shared object: the version requirements in
/// <c>.gnu.version_r</c> and <c>DT_RUNPATH</c>. Written independently of the patching task, so the
/// tests do not grade the patcher with its own parser.
/// </summary>
internal sealed class ElfSharedObject
{
    private const uint ShtDynamic = 6;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ulong DtRunpath = 29;

    private ElfSharedObject(IReadOnlyList<VersionRequirement> versionRequirements, string? runPath)
    {
        VersionRequirements = versionRequirements;
        RunPath = runPath;
    }

    public IReadOnlyList<VersionRequirement> VersionRequirements { get; }

    public string? RunPath { get; }

    public static ElfSharedObject Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> image = bytes;
        if (image.Length < 64 || !image[..4].SequenceEqual("\u007fELF"u8) || image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException($"'{path}' is not a little-endian ELF64 file.");
        }

        var sections = ReadSectionHeaders(image);
        var requirements = new List<VersionRequirement>();
        string? runPath = null;
        foreach (SectionHeader section in sections)
        {
            if (section.Type == ShtGnuVerneed)
            {
                ReadVersionNeeds(image, section, sections[(int)section.Link].Contents(image), requirements);
            }
            else if (section.Type == ShtDynamic)
            {
                runPath ??= ReadRunPath(section.Contents(image), sections[(int)section.Link].Contents(image));
            }
        }

        return new ElfSharedObject(requirements, runPath);
    }

    private static List<SectionHeader> ReadSectionHeaders(ReadOnlySpan<byte> image)
    {
        long tableOffset = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(image[0x28..]));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3a..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3c..]);
        var sections = new List<SectionHeader>(count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = image.Slice(checked((int)(tableOffset + ((long)i * entrySize))), 64);
            sections.Add(new SectionHeader(
                Type: BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                Offset: checked((long)BinaryPrimitives.ReadUInt64LittleEndian(header[24..])),
                Size: checked((long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..])),
                Link: BinaryPrimitives.ReadUInt32LittleEndian(header[40..]),
                Info: BinaryPrimitives.ReadUInt32LittleEndian(header[44..])));
        }

        return sections;
    }

    private static void ReadVersionNeeds(ReadOnlySpan<byte> image, SectionHeader section, ReadOnlySpan<byte> strings, List<VersionRequirement> into)
    {
        ReadOnlySpan<byte> table = section.Contents(image);
        int need = 0;
        for (uint i = 0; i < section.Info; i++)
        {
            ushort auxCount = BinaryPrimitives.ReadUInt16LittleEndian(table[(need + 2)..]);
            string library = StringAt(strings, BinaryPrimitives.ReadUInt32LittleEndian(table[(need + 4)..]));
            int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(table[(need + 8)..]);
            for (int j = 0; j < auxCount; j++)
            {
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(table[(aux + 4)..]);
                string version = StringAt(strings, BinaryPrimitives.ReadUInt32LittleEndian(table[(aux + 8)..]));
                into.Add(new VersionRequirement(library, version, flags));
                aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(table[(aux + 12)..]);
            }

            need += (int)BinaryPrimitives.ReadUInt32LittleEndian(table[(need + 12)..]);
        }
    }

    private static string? ReadRunPath(ReadOnlySpan<byte> dynamic, ReadOnlySpan<byte> strings)
    {
        for (int entry = 0; entry + 16 <= dynamic.Length; entry += 16)
        {
            ulong tag = BinaryPrimitives.ReadUInt64LittleEndian(dynamic[entry..]);
            if (tag == 0)
            {
                break;
            }

            if (tag == DtRunpath)
            {
                return StringAt(strings, checked((uint)BinaryPrimitives.ReadUInt64LittleEndian(dynamic[(entry + 8)..])));
            }
        }

        return null;
    }

    private static string StringAt(ReadOnlySpan<byte> strings, uint offset)
    {
        ReadOnlySpan<byte> rest = strings[(int)offset..];
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }

    private readonly record struct SectionHeader(uint Type, long Offset, long Size, uint Link, uint Info)
    {
        public ReadOnlySpan<byte> Contents(ReadOnlySpan<byte> image) =>
            Type == 8 ? ReadOnlySpan<byte>.Empty : image.Slice(checked((int)Offset), checked((int)Size));
    }
}
