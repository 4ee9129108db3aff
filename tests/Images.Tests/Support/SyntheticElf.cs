using System.Buffers.Binary;
using System.Text;

namespace Vmspec.Images.Tests.Support;

/// <summary>
/// A minimal x86-64 ELF shared object as a linker lays one out: one PT_LOAD mapping the whole file at address 0x400000, an
/// optional PT_INTERP, and a PT_DYNAMIC whose DT_NEEDED entries name sonames in a string table found through DT_STRTAB.
/// </summary>
internal static class SyntheticElf
{
    private const ulong Base = 0x400000;

    public static byte[] Create(string? interpreter, params string[] needed)
    {
        const int headerSize = 64, programHeaderSize = 56, programHeaders = 3;
        var strings = new MemoryStream();
        strings.WriteByte(0);
        var offsets = needed.Select(n =>
        {
            var at = strings.Length;
            strings.Write(Encoding.UTF8.GetBytes(n + "\0"));
            return at;
        }).ToList();
        var stringTable = headerSize + (programHeaders * programHeaderSize);
        var interp = stringTable + (int)strings.Length;
        var interpBytes = Encoding.UTF8.GetBytes((interpreter ?? "") + "\0");
        var dynamic = (interp + interpBytes.Length + 7) & ~7;
        var dynamicSize = (offsets.Count + 2) * 16;
        var elf = new byte[dynamic + dynamicSize];

        "\x7F"u8.CopyTo(elf);
        "ELF"u8.CopyTo(elf.AsSpan(1));
        elf[4] = 2; // 64-bit
        elf[5] = 1; // little-endian
        elf[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x10), 3); // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x12), 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(0x14), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(0x20), headerSize);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x34), headerSize);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x36), programHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x38), programHeaders);

        ProgramHeader(elf, 0, type: 1, offset: 0, size: (ulong)elf.Length); // PT_LOAD
        ProgramHeader(elf, 1, type: interpreter is null ? 4u /* PT_NOTE */ : 3u, offset: (ulong)interp, size: (ulong)interpBytes.Length);
        ProgramHeader(elf, 2, type: 2, offset: (ulong)dynamic, size: (ulong)dynamicSize); // PT_DYNAMIC
        strings.ToArray().CopyTo(elf, stringTable);
        interpBytes.CopyTo(elf, interp);
        var entry = dynamic;
        foreach (var offset in offsets)
            entry = Dynamic(elf, entry, tag: 1, value: (ulong)offset); // DT_NEEDED
        Dynamic(elf, entry, tag: 5, value: Base + (ulong)stringTable); // DT_STRTAB; DT_NULL follows (zeros)
        return elf;
    }

    private static void ProgramHeader(byte[] elf, int index, uint type, ulong offset, ulong size)
    {
        var header = elf.AsSpan(64 + (index * 56));
        BinaryPrimitives.WriteUInt32LittleEndian(header, type);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], Base + offset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], size);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], size);
    }

    private static int Dynamic(byte[] elf, int at, long tag, ulong value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(elf.AsSpan(at), tag);
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(at + 8), value);
        return at + 16;
    }
}
