using System.Buffers.Binary;
using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Elf;

namespace Vmspec.Runtime.Boot;

/// <summary>
/// Loads an ELF vmlinux through its PVH entry (the PVH boot ABI: Xen's docs/misc/pvh.pandoc, hvm/start_info.h): PT_LOAD segments at
/// their physical addresses, hvm_start_info with the command line, the initramfs as module 0 and the memory map; the vCPU
/// starts in 32-bit protected mode, paging off, at the XEN_ELFNOTE_PHYS32_ENTRY address with EBX = start info.
/// </summary>
public static class PvhLoader
{
    public const uint XenElfNotePhys32Entry = ElfNote.XenPhys32EntryType;
    public const string XenNoteName = ElfNote.XenName;

    /// <summary>
    /// The vmlinux inside <paramref name="bzImage"/>, decompressed and loaded through its PVH entry: a distribution ships
    /// the bzImage, and the ELF with its notes is its payload.
    /// </summary>
    public static BootImage LoadBzImage(ReadOnlyMemory<byte> bzImage, string source, LinuxBootOptions options)
    {
        byte[] vmlinux = AsBootError(() =>
        {
            var header = BzImage.Parse(bzImage.Span, source);
            if (!header.HasPayloadInfo)
                throw new KernelImageException($"{source}: boot protocol {header.ProtocolText} does not say where its compressed vmlinux lies (payload_offset needs 2.08)");
            return PayloadDecompressor.DecompressKernelPayload(bzImage.Slice((int)header.PayloadFileOffset, (int)header.PayloadLength), header.InitSize, source);
        });
        return LoadElf(vmlinux, source, options);
    }

    public static BootImage LoadElf(ReadOnlyMemory<byte> vmlinux, string source, LinuxBootOptions options)
    {
        LinuxBootLayout layout = options.Layout;
        layout.Validate();
        IReadOnlyList<ElfSegment> segments = AsBootError(() => ElfProgramHeaders.Read(vmlinux.Span, source));
        ulong entry = Phys32Entry(vmlinux, segments, source);

        var writes = new List<BootMemoryWrite>();
        ulong kernelStart = ulong.MaxValue, kernelEnd = 0;
        foreach (ElfSegment s in segments.Where(s => s.Type == ElfSegment.Load && s.MemorySize != 0))
        {
            CheckPlacement(s, layout, source);
            // RAM starts zeroed, so the bss part (p_memsz beyond p_filesz) needs no write.
            if (s.FileSize != 0) writes.Add(new(s.PhysicalAddress, vmlinux.Slice((int)s.Offset, (int)s.FileSize)));
            kernelStart = Math.Min(kernelStart, s.PhysicalAddress);
            kernelEnd = Math.Max(kernelEnd, s.PhysicalAddress + s.MemorySize);
        }
        if (kernelEnd == 0)
            throw new BootLoaderException($"{source}: the ELF has no PT_LOAD segment with contents");
        if (entry < kernelStart || entry >= kernelEnd)
            throw new BootLoaderException($"{source}: the PVH entry 0x{entry:x} lies outside the loaded segments [0x{kernelStart:x}, 0x{kernelEnd:x})");

        byte[] commandLine = KernelCommandLine.Encode(options.CommandLine, kernelLimit: null, layout, source);
        ulong initrdSize = (ulong)options.Initramfs.Length;
        ulong initrdAddress = 0;
        if (initrdSize != 0)
        {
            initrdAddress = LinuxLoader.PlaceInitramfs(layout.RamSize, kernelEnd, initrdSize, source, $"the end of RAM (0x{layout.RamSize:x})");
            writes.Add(new(initrdAddress, options.Initramfs));
        }

        writes.Add(new(layout.Gdt, BootGdt.Build(longMode: false, layout.Tss)));
        writes.Add(new(layout.CommandLine, commandLine));
        writes.Add(new(layout.StartInfo, HvmStartInfo.BuildPage(layout.StartInfo, layout.CommandLine, initrdAddress, initrdSize, E820Map.ForRam(layout.RamSize))));

        var regs = new KvmRegs { Rip = entry, Rbx = layout.StartInfo, Rsp = layout.BootStackTop, Rflags = Rflags.Reserved1 };
        return new BootImage(layout.RamSize, writes, regs, BootCpuState.Protected32(layout),
            new BootPlacement(kernelStart, kernelEnd, entry, layout.StartInfo, layout.CommandLine, initrdAddress, initrdSize));
    }

    /// <summary>The XEN_ELFNOTE_PHYS32_ENTRY note's 32-bit physical entry address.</summary>
    public static ulong Phys32Entry(ReadOnlyMemory<byte> vmlinux, IReadOnlyList<ElfSegment> segments, string source)
    {
        ElfNote? note = AsBootError(() => ElfProgramHeaders.Notes(vmlinux, segments, source)).FirstOrDefault(n => n.IsXenPhys32Entry);
        if (note is null)
            throw new BootLoaderException($"{source}: no \"Xen\" note of type {XenElfNotePhys32Entry} (XEN_ELFNOTE_PHYS32_ENTRY) in a PT_NOTE segment: the kernel has no PVH entry (CONFIG_PVH)");
        return note.Descriptor.Length switch
        {
            4 => BinaryPrimitives.ReadUInt32LittleEndian(note.Descriptor.Span),
            8 when BinaryPrimitives.ReadUInt64LittleEndian(note.Descriptor.Span) is var e && e <= uint.MaxValue => e,
            _ => throw new BootLoaderException($"{source}: XEN_ELFNOTE_PHYS32_ENTRY has a {note.Descriptor.Length}-byte descriptor; expected a 32-bit address"),
        };
    }

    /// <summary>A segment must lie in RAM above the legacy hole, clear of the boot structures.</summary>
    /// <summary>A malformed ELF is a kernel that cannot be booted: the reader's message, as this loader's error.</summary>
    private static T AsBootError<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (KernelImageException e)
        {
            throw new BootLoaderException(e.Message);
        }
    }

    private static void CheckPlacement(ElfSegment s, LinuxBootLayout layout, string source)
    {
        ulong end = s.PhysicalAddress + s.MemorySize;
        if (end < s.PhysicalAddress || end > layout.RamSize)
            throw new BootLoaderException($"{source}: PT_LOAD at physical 0x{s.PhysicalAddress:x} (+0x{s.MemorySize:x}) runs past the end of RAM (0x{layout.RamSize:x})");
        if (s.PhysicalAddress < E820Map.HighMemoryStart)
            throw new BootLoaderException($"{source}: PT_LOAD at physical 0x{s.PhysicalAddress:x} lies below 1 MiB, where the boot structures live");
    }
}
