using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Elf;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Tests.Boot;

public sealed class PvhLoaderTests
{
    private const ulong Ram = 0x400_0000;
    private const ulong KernelAddress = 0x100_0000;
    private const uint Entry = 0x100_0040;
    private static readonly LinuxBootLayout Layout = LinuxBootLayout.Default with { RamSize = Ram };

    /// <summary>An ELF64 x86-64 executable: PT_LOAD of <paramref name="code"/> at <paramref name="physical"/> (+ bss), PT_NOTE with the PVH entry note.</summary>
    internal static byte[] Vmlinux(ulong physical = KernelAddress, ulong memorySize = 0x1_0000, byte[]? entryDescriptor = null, string noteName = "Xen", uint noteType = 18, ushort machine = 62)
    {
        byte[] code = Enumerable.Range(0, 0x100).Select(i => (byte)i).ToArray();
        entryDescriptor ??= BitConverter.GetBytes(Entry);
        byte[] name = [.. Encoding.ASCII.GetBytes(noteName), 0];
        var note = new List<byte>();
        note.AddRange(BitConverter.GetBytes(name.Length));
        note.AddRange(BitConverter.GetBytes(entryDescriptor.Length));
        note.AddRange(BitConverter.GetBytes(noteType));
        note.AddRange(name); while (note.Count % 4 != 0) note.Add(0);
        note.AddRange(entryDescriptor); while (note.Count % 4 != 0) note.Add(0);

        const int noteAt = 64 + 2 * 56, codeAt = 0x200;
        var file = new byte[codeAt + code.Length];
        "\u007fELF"u8.CopyTo(file);
        file[4] = 2; file[5] = 1; file[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(18), machine);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(32), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(56), 2);
        WriteHeader(file.AsSpan(64), ElfSegment.Load, codeAt, 0xFFFF_FFFF_8100_0000, physical, (ulong)code.Length, memorySize);
        WriteHeader(file.AsSpan(64 + 56), ElfSegment.Note, noteAt, 0, 0, (ulong)note.Count, (ulong)note.Count);
        note.ToArray().CopyTo(file, noteAt);
        code.CopyTo(file, codeAt);
        return file;
    }

    private static void WriteHeader(Span<byte> h, uint type, ulong offset, ulong vaddr, ulong paddr, ulong fileSize, ulong memSize)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(h, type);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], 5);
        BinaryPrimitives.WriteUInt64LittleEndian(h[8..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(h[16..], vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], paddr);
        BinaryPrimitives.WriteUInt64LittleEndian(h[32..], fileSize);
        BinaryPrimitives.WriteUInt64LittleEndian(h[40..], memSize);
    }

    private static BootImage Load(byte[] vmlinux, string commandLine = "console=ttyS0", byte[]? initramfs = null) =>
        PvhLoader.LoadElf(vmlinux, "vmlinux", new LinuxBootOptions { CommandLine = commandLine, Initramfs = initramfs ?? new byte[0x3000], Layout = Layout });

    private static ReadOnlySpan<byte> Read(BootImage boot, ulong address, int length)
    {
        BootMemoryWrite w = boot.Writes.Single(w => address >= w.Address && address + (ulong)length <= w.End);
        return w.Data.Span.Slice((int)(address - w.Address), length);
    }

    [Fact]
    public void Segments_load_at_their_physical_address_and_the_CPU_enters_32_bit_protected_mode_at_the_note_entry()
    {
        byte[] elf = Vmlinux();
        BootImage boot = Load(elf);

        Assert.True(Read(boot, KernelAddress, 0x100).SequenceEqual(elf.AsSpan(0x200, 0x100)));
        Assert.Equal((ulong)Entry, boot.Regs.Rip);
        Assert.Equal(Layout.StartInfo, boot.Regs.Rbx);
        Assert.Equal(2UL, boot.Regs.Rflags);
        Assert.Equal(KernelAddress + 0x1_0000, boot.Placement.KernelEnd);
        Assert.Equal((byte)0, boot.Cpu.Code.L);
        Assert.Equal((byte)1, boot.Cpu.Code.Db);
        Assert.Equal(0UL, boot.Cpu.Cr0 & Cr0.Pg);
        Assert.Equal(Cr0.Pe, boot.Cpu.Cr0 & Cr0.Pe);
        Assert.Equal(0UL, boot.Cpu.Efer);
        Assert.Equal(BootGdt.Code32, BinaryPrimitives.ReadUInt64LittleEndian(Read(boot, Layout.Gdt + BootGdt.BootCs, 8)));
    }

    [Fact]
    public void Start_info_carries_the_magic_command_line_initramfs_module_and_memory_map()
    {
        BootImage boot = Load(Vmlinux(), "console=hvc0");
        ReadOnlySpan<byte> info = Read(boot, Layout.StartInfo, 4096);

        Assert.Equal(HvmStartInfo.Magic, BinaryPrimitives.ReadUInt32LittleEndian(info));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(info[4..]));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(info[12..]));
        ulong commandLine = BinaryPrimitives.ReadUInt64LittleEndian(info[24..]);
        Assert.Equal("console=hvc0\0", Encoding.ASCII.GetString(Read(boot, commandLine, 13)));

        ulong modlist = BinaryPrimitives.ReadUInt64LittleEndian(info[16..]);
        ReadOnlySpan<byte> module = Read(boot, modlist, HvmStartInfo.ModlistEntrySize);
        Assert.Equal(boot.Placement.InitramfsAddress, BinaryPrimitives.ReadUInt64LittleEndian(module));
        Assert.Equal(0x3000UL, BinaryPrimitives.ReadUInt64LittleEndian(module[8..]));
        Assert.Equal(Ram - 0x3000, boot.Placement.InitramfsAddress);

        ulong memmap = BinaryPrimitives.ReadUInt64LittleEndian(info[40..]);
        uint entries = BinaryPrimitives.ReadUInt32LittleEndian(info[48..]);
        var map = E820Map.ForRam(Ram);
        Assert.Equal((uint)map.Count, entries);
        for (int i = 0; i < map.Count; i++)
        {
            ReadOnlySpan<byte> e = Read(boot, memmap + (ulong)(i * HvmStartInfo.MemmapEntrySize), HvmStartInfo.MemmapEntrySize);
            Assert.Equal(map[i], new E820Entry(BinaryPrimitives.ReadUInt64LittleEndian(e), BinaryPrimitives.ReadUInt64LittleEndian(e[8..]), (E820Type)BinaryPrimitives.ReadUInt32LittleEndian(e[16..])));
        }
    }

    [Fact]
    public void Start_info_layout_is_the_Xen_ABI()
    {
        // struct hvm_start_info: magic u32, version u32, flags u32, nr_modules u32, modlist_paddr, cmdline_paddr, rsdp_paddr,
        // memmap_paddr (u64 each), memmap_entries u32, reserved u32.
        Assert.Equal([0, 4, 8, 12, 16, 24, 32, 40, 48, 56],
            new[] { HvmStartInfo.MagicOffset, HvmStartInfo.VersionOffset, HvmStartInfo.FlagsOffset, HvmStartInfo.NrModulesOffset,
                HvmStartInfo.ModlistPaddrOffset, HvmStartInfo.CmdlinePaddrOffset, HvmStartInfo.RsdpPaddrOffset, HvmStartInfo.MemmapPaddrOffset,
                HvmStartInfo.MemmapEntriesOffset, HvmStartInfo.Size });
        Assert.Equal(32, HvmStartInfo.ModlistEntrySize);
        Assert.Equal(24, HvmStartInfo.MemmapEntrySize);
        Assert.Equal(0x336EC578u, HvmStartInfo.Magic);
    }

    [Fact]
    public void An_8_byte_entry_descriptor_is_accepted()
    {
        Assert.Equal((ulong)Entry, Load(Vmlinux(entryDescriptor: BitConverter.GetBytes((ulong)Entry))).Regs.Rip);
    }

    [Fact]
    public void Without_the_phys32_entry_note_the_kernel_is_refused()
    {
        var wrongType = Assert.Throws<BootLoaderException>(() => Load(Vmlinux(noteType: 17)));
        var wrongName = Assert.Throws<BootLoaderException>(() => Load(Vmlinux(noteName: "GNU")));

        Assert.Contains("XEN_ELFNOTE_PHYS32_ENTRY", wrongType.Message);
        Assert.Contains("vmlinux", wrongName.Message);
    }

    [Theory]
    [InlineData(0x3FF_8000UL, 0x1_0000UL, "past the end of RAM")]
    [InlineData(0x8_0000UL, 0x1000UL, "below 1 MiB")]
    public void Segments_outside_usable_RAM_are_refused(ulong physical, ulong size, string reason)
    {
        var e = Assert.Throws<BootLoaderException>(() => Load(Vmlinux(physical, size)));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void An_entry_outside_the_loaded_segments_is_refused()
    {
        var e = Assert.Throws<BootLoaderException>(() => Load(Vmlinux(entryDescriptor: BitConverter.GetBytes(0x50_0000u))));
        Assert.Contains("outside the loaded segments", e.Message);
    }

    [Fact]
    public void A_non_x86_64_or_truncated_ELF_is_refused()
    {
        Assert.Contains("e_machine", Assert.Throws<BootLoaderException>(() => Load(Vmlinux(machine: 183))).Message);
        Assert.Contains("run past the end", Assert.Throws<BootLoaderException>(() => Load(Vmlinux()[..100])).Message);
    }

    /// <summary>The synthetic bzImage with <paramref name="payload"/> appended as its payload (payload_offset, payload_length).</summary>
    private static byte[] BzImageCarrying(byte[] payload)
    {
        byte[] kernel = SyntheticKernel.Build(new SyntheticKernelExpectations("", Ram, ReadOnlyMemory<byte>.Empty));
        byte[] image = [.. kernel, .. payload];
        int setupSize = (kernel[0x1F1] + 1) * 512;
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x248), (uint)(kernel.Length - setupSize));
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x24C), (uint)payload.Length);
        return image;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    [Fact]
    public void A_bzImage_is_entered_through_the_PVH_entry_of_the_vmlinux_it_carries()
    {
        byte[] elf = Vmlinux();

        BootImage boot = PvhLoader.LoadBzImage(BzImageCarrying(Gzip(elf)), "bzImage", new LinuxBootOptions { Layout = Layout });

        Assert.Equal((ulong)Entry, boot.Regs.Rip);
        Assert.True(Read(boot, KernelAddress, 0x100).SequenceEqual(elf.AsSpan(0x200, 0x100)));
        Assert.Equal(0UL, boot.Cpu.Cr0 & Cr0.Pg);
    }

    [Fact]
    public void A_bzImage_whose_payload_is_no_compressed_vmlinux_is_refused_naming_the_file()
    {
        var e = Assert.Throws<BootLoaderException>(() =>
            PvhLoader.LoadBzImage(BzImageCarrying("not a kernel"u8.ToArray()), "bzImage", new LinuxBootOptions { Layout = Layout }));

        Assert.StartsWith("bzImage: ", e.Message);
    }

    [Fact]
    public void A_bzImage_whose_vmlinux_has_no_PVH_entry_is_refused()
    {
        var e = Assert.Throws<BootLoaderException>(() =>
            PvhLoader.LoadBzImage(BzImageCarrying(Gzip(Vmlinux(noteType: 17))), "bzImage", new LinuxBootOptions { Layout = Layout }));

        Assert.Contains("the kernel has no PVH entry (CONFIG_PVH)", e.Message);
    }
}
