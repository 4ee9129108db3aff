using System.Buffers.Binary;
using System.Text;

namespace Vmspec.GuestKernels.Elf;

/// <summary>One ELF64 program header (segment).</summary>
public sealed record ElfSegment(uint Type, uint Flags, ulong Offset, ulong VirtualAddress, ulong PhysicalAddress, ulong FileSize, ulong MemorySize)
{
    public const uint Load = 1, Interp = 3, Note = 4;
}

/// <summary>One ELF note: its owner name, type and descriptor bytes.</summary>
public sealed record ElfNote(string Name, uint Type, ReadOnlyMemory<byte> Descriptor)
{
    /// <summary>XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit PVH entry point of a kernel built with CONFIG_PVH.</summary>
    public const string XenName = "Xen";
    public const uint XenPhys32EntryType = 18;

    public bool IsXenPhys32Entry => Name == XenName && Type == XenPhys32EntryType;
}

/// <summary>
/// Bounds-checked reading of an x86-64 ELF64 executable's program headers and PT_NOTE notes (what a loader needs;
/// ElfFile reads sections). Errors name the file and the field.
/// </summary>
public static class ElfProgramHeaders
{
    private const int ProgramHeaderSize = 56;
    private const ushort MachineX86_64 = 62;

    public static IReadOnlyList<ElfSegment> Read(ReadOnlySpan<byte> file, string source)
    {
        ElfFile.CheckIdentity(file, source);
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(file[18..]);
        if (machine != MachineX86_64)
            throw new KernelImageException($"{source}: ELF e_machine at offset 0x12 is {machine}, expected {MachineX86_64} (x86-64)");
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(file[32..]);
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(file[54..]);
        ushort phnum = BinaryPrimitives.ReadUInt16LittleEndian(file[56..]);
        if (phnum == 0)
            throw new KernelImageException($"{source}: ELF e_phnum is 0: the file has no program headers to load");
        if (phentsize != ProgramHeaderSize)
            throw new KernelImageException($"{source}: ELF e_phentsize at offset 0x36 is {phentsize}, expected {ProgramHeaderSize}");
        if (phoff > (ulong)file.Length || (ulong)phnum * ProgramHeaderSize > (ulong)file.Length - phoff)
            throw new KernelImageException($"{source}: ELF program headers at 0x{phoff:x} ({phnum} x {ProgramHeaderSize}) run past the end of the file ({file.Length} bytes)");

        var segments = new ElfSegment[phnum];
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> h = file.Slice((int)phoff + i * ProgramHeaderSize, ProgramHeaderSize);
            var s = new ElfSegment(
                BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[24..]), BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[40..]));
            if (s.Offset > (ulong)file.Length || s.FileSize > (ulong)file.Length - s.Offset)
                throw new KernelImageException($"{source}: program header {i}: p_offset 0x{s.Offset:x} + p_filesz 0x{s.FileSize:x} runs past the end of the file");
            if (s.Type == ElfSegment.Load && s.FileSize > s.MemorySize)
                throw new KernelImageException($"{source}: program header {i}: p_filesz 0x{s.FileSize:x} exceeds p_memsz 0x{s.MemorySize:x}");
            segments[i] = s;
        }
        return segments;
    }

    /// <summary>The notes of every PT_NOTE segment (name and descriptor padded to 4 bytes, as x86-64 kernels emit them).</summary>
    public static IReadOnlyList<ElfNote> Notes(ReadOnlyMemory<byte> file, IReadOnlyList<ElfSegment> segments, string source)
    {
        var notes = new List<ElfNote>();
        foreach (ElfSegment segment in segments.Where(s => s.Type == ElfSegment.Note))
        {
            ReadOnlyMemory<byte> data = file.Slice((int)segment.Offset, (int)segment.FileSize);
            int at = 0;
            while (at + 12 <= data.Length)
            {
                ReadOnlySpan<byte> h = data.Span[at..];
                uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(h), descSize = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
                long nameAt = at + 12, descAt = nameAt + Align4(nameSize), end = descAt + Align4(descSize);
                if (end > data.Length)
                    throw new KernelImageException($"{source}: ELF note at segment offset 0x{at:x} (type {type}) runs past its PT_NOTE segment");
                string name = Encoding.ASCII.GetString(data.Span.Slice((int)nameAt, (int)nameSize)).TrimEnd('\0');
                notes.Add(new ElfNote(name, type, data.Slice((int)descAt, (int)descSize)));
                at = (int)end;
            }
        }
        return notes;
    }

    private static long Align4(uint size) => (size + 3L) & ~3L;
}
