using System.Buffers.Binary;

namespace Vmspec.Runtime.Boot;

/// <summary>
/// A static x86-64 Linux executable written directly: an ELF64 header, one read+execute PT_LOAD mapping the whole
/// file at <see cref="LoadAddress"/>, and the code after the headers. No libc, no build step: guest programs for
/// /init are assembled with Iced.
/// </summary>
public static class StaticElf
{
    public const ulong LoadAddress = 0x40_0000;
    public const int HeadersSize = ElfHeaderSize + ProgramHeaderSize;

    private const int ElfHeaderSize = 64, ProgramHeaderSize = 56;

    /// <summary>The executable whose code <paramref name="assembleAt"/> assembles for the address it is given (the entry point).</summary>
    public static byte[] Build(Func<ulong, byte[]> assembleAt)
    {
        ulong codeAddress = LoadAddress + HeadersSize;
        byte[] code = assembleAt(codeAddress);
        var file = new byte[HeadersSize + code.Length];
        WriteElfHeader(file, codeAddress);
        WriteProgramHeader(file.AsSpan(ElfHeaderSize), (ulong)file.Length);
        code.CopyTo(file, HeadersSize);
        return file;
    }

    private static void WriteElfHeader(Span<byte> file, ulong entry)
    {
        "\x7F"u8.CopyTo(file);
        "ELF"u8.CopyTo(file[1..]);
        file[4] = 2; // ELFCLASS64
        file[5] = 1; // little-endian
        file[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(file[16..], 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(file[18..], 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(file[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file[24..], entry);
        BinaryPrimitives.WriteUInt64LittleEndian(file[32..], ElfHeaderSize); // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(file[52..], ElfHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(file[54..], ProgramHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(file[56..], 1); // e_phnum
    }

    /// <summary>One PT_LOAD, read + execute, mapping the whole file at <see cref="LoadAddress"/>.</summary>
    private static void WriteProgramHeader(Span<byte> header, ulong fileSize)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1); // PT_LOAD
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 5); // PF_R | PF_X
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], LoadAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], LoadAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], fileSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], fileSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[48..], 0x1000);
    }
}
