using System.Buffers.Binary;
using System.Text;

namespace Vmspec.GuestKernels.Elf;

/// <summary>
/// A minimal, bounds-checked reader for little-endian ELF64 files: the header, the section
/// headers and their names. Enough to find a vmlinux's .BTF section without trusting any offset.
/// </summary>
public sealed class ElfFile
{
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const ushort ExtendedIndex = 0xFFFF; // SHN_XINDEX

    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _source;

    public ushort Type { get; }
    public ushort Machine { get; }
    public ulong Entry { get; }
    public IReadOnlyList<ElfSection> Sections { get; }

    private ElfFile(ReadOnlyMemory<byte> data, string source, ushort type, ushort machine, ulong entry, ElfSection[] sections)
    {
        _data = data;
        _source = source;
        Type = type;
        Machine = machine;
        Entry = entry;
        Sections = sections;
    }

    public static bool HasMagic(ReadOnlySpan<byte> data) => data.StartsWith("\x7F"u8 + "ELF"u8);

    /// <summary>The checks every reader of an ELF file makes first: a whole header, the magic, ELF64, little-endian, version 1.</summary>
    internal static void CheckIdentity(ReadOnlySpan<byte> span, string source)
    {
        if (span.Length < HeaderSize)
            throw new KernelImageException($"{source}: ELF header truncated: {span.Length} of {HeaderSize} bytes");
        if (!HasMagic(span))
            throw new KernelImageException($"{source}: not an ELF file (e_ident does not start with 7F 'E' 'L' 'F')");
        if (span[4] != 2)
            throw new KernelImageException($"{source}: ELF e_ident[EI_CLASS] at offset 0x4 is {span[4]}, expected 2 (ELF64)");
        if (span[5] != 1)
            throw new KernelImageException($"{source}: ELF e_ident[EI_DATA] at offset 0x5 is {span[5]}, expected 1 (little-endian)");
        if (span[6] != 1)
            throw new KernelImageException($"{source}: ELF e_ident[EI_VERSION] at offset 0x6 is {span[6]}, expected 1");
    }

    /// <summary>Validates the header and every section header; <paramref name="source"/> names the file in errors.</summary>
    public static ElfFile Parse(ReadOnlyMemory<byte> data, string source)
    {
        var span = data.Span;
        CheckIdentity(span, source);

        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[58..]);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(span[60..]);
        long nameIndex = BinaryPrimitives.ReadUInt16LittleEndian(span[62..]);
        if (shoff == 0)
            throw new KernelImageException($"{source}: ELF e_shoff at offset 0x28 is 0: the file has no section headers");
        if (shentsize != SectionHeaderSize)
            throw new KernelImageException($"{source}: ELF e_shentsize at offset 0x3A is {shentsize}, expected {SectionHeaderSize}");
        // Extended numbering: the real count and name index live in section header 0.
        var first = SectionHeaderAt(span, shoff, 0, source);
        if (count == 0)
            count = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(first[32..]), int.MaxValue);
        if (nameIndex == ExtendedIndex)
            nameIndex = BinaryPrimitives.ReadUInt32LittleEndian(first[40..]);
        if ((ulong)count * SectionHeaderSize > (ulong)span.Length - shoff)
            throw new KernelImageException($"{source}: ELF section header table at 0x{shoff:X} ({count} entries) runs past the end of the file ({span.Length} bytes)");
        if (nameIndex >= count)
            throw new KernelImageException($"{source}: ELF e_shstrndx {nameIndex} is not below the section count {count}");

        var names = SectionHeaderAt(span, shoff, nameIndex, source);
        var nameTable = Contents(span, nameIndex,
            BinaryPrimitives.ReadUInt64LittleEndian(names[24..]), BinaryPrimitives.ReadUInt64LittleEndian(names[32..]), source);

        var sections = new ElfSection[count];
        for (int i = 0; i < count; i++)
        {
            var h = SectionHeaderAt(span, shoff, i, source);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(h[24..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(h[32..]);
            var section = new ElfSection(i, Name(nameTable, BinaryPrimitives.ReadUInt32LittleEndian(h), i, source), type,
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]), offset, size);
            if (section.HasFileContents)
                Contents(span, i, offset, size, source);
            sections[i] = section;
        }
        return new ElfFile(data, source, BinaryPrimitives.ReadUInt16LittleEndian(span[16..]),
            BinaryPrimitives.ReadUInt16LittleEndian(span[18..]), BinaryPrimitives.ReadUInt64LittleEndian(span[24..]), sections);
    }

    public ElfSection? FindSection(string name)
    {
        foreach (var section in Sections)
            if (section.Name == name)
                return section;
        return null;
    }

    /// <summary>The section's bytes (empty for SHT_NOBITS); bounds were checked by <see cref="Parse"/>.</summary>
    public ReadOnlyMemory<byte> GetContents(ElfSection section) =>
        section.HasFileContents ? _data.Slice((int)section.Offset, (int)section.Size) : ReadOnlyMemory<byte>.Empty;

    public override string ToString() => $"{_source}: ELF64 machine {Machine}, {Sections.Count} sections";

    private static ReadOnlySpan<byte> SectionHeaderAt(ReadOnlySpan<byte> span, ulong shoff, long index, string source)
    {
        ulong start = shoff + (ulong)index * SectionHeaderSize;
        if (shoff > (ulong)span.Length || start + SectionHeaderSize > (ulong)span.Length)
            throw new KernelImageException($"{source}: ELF section header {index} at 0x{start:X} runs past the end of the file ({span.Length} bytes)");
        return span.Slice((int)start, SectionHeaderSize);
    }

    private static ReadOnlySpan<byte> Contents(ReadOnlySpan<byte> span, long index, ulong offset, ulong size, string source)
    {
        if (offset > (ulong)span.Length || size > (ulong)span.Length - offset)
            throw new KernelImageException($"{source}: ELF section {index} (0x{offset:X}+{size}) runs past the end of the file ({span.Length} bytes)");
        return span.Slice((int)offset, (int)size);
    }

    private static string Name(ReadOnlySpan<byte> table, uint offset, int index, string source)
    {
        if (table.IsEmpty)
            return ""; // e_shstrndx is SHN_UNDEF: sections are unnamed
        if (offset >= table.Length)
            throw new KernelImageException($"{source}: ELF section {index} name offset {offset} is outside the section name table ({table.Length} bytes)");
        int length = table[(int)offset..].IndexOf((byte)0);
        if (length < 0)
            throw new KernelImageException($"{source}: ELF section {index} name at {offset} is not NUL-terminated");
        return Encoding.ASCII.GetString(table.Slice((int)offset, length));
    }
}
