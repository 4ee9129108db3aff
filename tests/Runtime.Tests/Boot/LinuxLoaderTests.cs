using System.Buffers.Binary;
using System.Text;
using Vmspec.GuestKernels.Boot;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Tests.Boot;

public sealed class LinuxLoaderTests
{
    private const ulong Ram = 0x400_0000; // 64 MiB
    private static readonly LinuxBootLayout Layout = LinuxBootLayout.Default with { RamSize = Ram };
    private static readonly byte[] Initramfs = new Initramfs().AddFile("hello", "hi\n"u8.ToArray()).Build();

    private static LinuxBootOptions Options(string commandLine = "console=ttyS0", byte[]? initramfs = null) =>
        new() { CommandLine = commandLine, Initramfs = initramfs ?? Initramfs, Layout = Layout };

    private static byte[] Kernel(Action<byte[]>? patch = null)
    {
        byte[] image = SyntheticKernel.Build(SyntheticKernelTests.Expected with { RamSize = Ram });
        patch?.Invoke(image);
        return image;
    }

    private static BootImage Load(byte[] image, LinuxBootOptions? options = null) =>
        LinuxLoader.LoadBzImage(image, "test-kernel", options ?? Options());

    /// <summary>The bytes a boot image puts at [address, +length) (which must lie in one write).</summary>
    private static ReadOnlySpan<byte> Read(BootImage boot, ulong address, int length)
    {
        BootMemoryWrite w = boot.Writes.Single(w => address >= w.Address && address + (ulong)length <= w.End);
        return w.Data.Span.Slice((int)(address - w.Address), length);
    }

    [Fact]
    public void Kernel_goes_to_pref_address_and_the_entry_is_0x200_past_it()
    {
        byte[] image = Kernel();
        BootImage boot = Load(image);

        int setupSize = BzImage.Parse(image, "k").SetupSize;
        Assert.Equal(0x100_0000UL, boot.Placement.KernelAddress);
        Assert.Equal(0x100_0000UL + SyntheticKernel.InitSize, boot.Placement.KernelEnd);
        Assert.Equal(0x100_0200UL, boot.Placement.Entry);
        Assert.True(Read(boot, 0x100_0000, image.Length - setupSize).SequenceEqual(image.AsSpan(setupSize)));
        Assert.Equal(Ram, boot.RamSize);
    }

    [Fact]
    public void Initramfs_sits_page_aligned_at_the_top_of_RAM_above_the_kernel()
    {
        BootImage boot = Load(Kernel());

        ulong expected = (Ram - (ulong)Initramfs.Length) & ~0xFFFUL;
        Assert.Equal(expected, boot.Placement.InitramfsAddress);
        Assert.Equal((ulong)Initramfs.Length, boot.Placement.InitramfsSize);
        Assert.True(Read(boot, expected, Initramfs.Length).SequenceEqual(Initramfs));
        Assert.True(boot.Placement.InitramfsAddress >= boot.Placement.KernelEnd);
    }

    [Fact]
    public void Initramfs_respects_initrd_addr_max_below_the_end_of_RAM()
    {
        BootImage boot = Load(Kernel(i => BinaryPrimitives.WriteUInt32LittleEndian(i.AsSpan(0x22C), 0x2FF_FFFF)));

        Assert.True(boot.Placement.InitramfsAddress + boot.Placement.InitramfsSize <= 0x300_0000);
        Assert.Equal((0x300_0000UL - (ulong)Initramfs.Length) & ~0xFFFUL, boot.Placement.InitramfsAddress);
    }

    [Fact]
    public void Zero_page_command_line_and_registers_follow_the_64_bit_boot_protocol()
    {
        BootImage boot = Load(Kernel(), Options("console=ttyS0 quiet"));

        ReadOnlySpan<byte> page = Read(boot, Layout.ZeroPage, ZeroPageOffsets.Size);
        Assert.Equal((uint)Layout.CommandLine, BinaryPrimitives.ReadUInt32LittleEndian(page[0x228..]));
        Assert.Equal((uint)boot.Placement.InitramfsAddress, BinaryPrimitives.ReadUInt32LittleEndian(page[0x218..]));
        Assert.Equal(0xFF, page[0x210]);
        Assert.Equal(E820Map.ForRam(Ram), BootParams.ReadE820(page));
        Assert.Equal("console=ttyS0 quiet\0", Encoding.ASCII.GetString(Read(boot, Layout.CommandLine, 20)));

        Assert.Equal(boot.Placement.Entry, boot.Regs.Rip);
        Assert.Equal(Layout.ZeroPage, boot.Regs.Rsi);
        Assert.Equal(2UL, boot.Regs.Rflags); // only the reserved bit: interrupts off
        Assert.Equal(Layout.BootStackTop, boot.Regs.Rsp);
    }

    [Fact]
    public void CPU_starts_in_long_mode_with_paging_on_boot_cs_and_boot_ds()
    {
        BootImage boot = Load(Kernel());
        BootCpuState cpu = boot.Cpu;

        Assert.Equal((ushort)0x10, cpu.Code.Selector);
        Assert.Equal((byte)1, cpu.Code.L);
        Assert.Equal((byte)0, cpu.Code.Db);
        Assert.Equal((ushort)0x18, cpu.Data.Selector);
        Assert.Equal(0xFFFF_FFFFu, cpu.Data.Limit);
        Assert.Equal(Cr0.Pg | Cr0.Pe, cpu.Cr0 & (Cr0.Pg | Cr0.Pe));
        Assert.Equal(Cr4.Pae, cpu.Cr4);
        Assert.Equal(Efer.Lme | Efer.Lma, cpu.Efer);
        Assert.Equal(Layout.Pml4, cpu.Cr3);
        Assert.Equal(Layout.Gdt, cpu.Gdt.Base);

        ReadOnlySpan<byte> gdt = Read(boot, Layout.Gdt, BootGdt.Size);
        Assert.Equal(BootGdt.Code64, BinaryPrimitives.ReadUInt64LittleEndian(gdt[0x10..]));
        Assert.Equal(BootGdt.Data, BinaryPrimitives.ReadUInt64LittleEndian(gdt[0x18..]));
        Assert.Equal(0x8B, gdt[0x20 + 5]); // present, busy 64-bit TSS
    }

    [Theory]
    [InlineData(0x0UL)]
    [InlineData(0x100_0000UL)]
    [InlineData(0x3FF_F000UL)]
    [InlineData(0xFEE0_0000UL)] // the LAPIC, inside the MMIO gap
    public void Identity_map_translates_every_address_below_4_GiB_to_itself(ulong address)
    {
        BootImage boot = Load(Kernel());

        ulong pml4e = BinaryPrimitives.ReadUInt64LittleEndian(Read(boot, boot.Cpu.Cr3 + (address >> 39 & 511) * 8, 8));
        ulong pdpte = BinaryPrimitives.ReadUInt64LittleEndian(Read(boot, (pml4e & ~0xFFFUL) + (address >> 30 & 511) * 8, 8));
        ulong pde = BinaryPrimitives.ReadUInt64LittleEndian(Read(boot, (pdpte & ~0xFFFUL) + (address >> 21 & 511) * 8, 8));

        Assert.Equal(3UL, pml4e & 3);
        Assert.Equal(3UL, pdpte & 3);
        Assert.Equal(0x83UL, pde & 0x83); // present, writable, 2 MiB page
        Assert.Equal(address, (pde & ~0x1F_FFFFUL & 0xF_FFFF_FFFF_FFFF) | (address & 0x1F_FFFF));
    }

    [Fact]
    public void Writes_do_not_overlap()
    {
        var writes = Load(Kernel()).Writes.OrderBy(w => w.Address).ToArray();

        for (int i = 1; i < writes.Length; i++)
            Assert.True(writes[i - 1].End <= writes[i].Address, $"write at 0x{writes[i - 1].Address:x} overlaps 0x{writes[i].Address:x}");
    }

    [Fact]
    public void A_relocatable_kernel_is_aligned_up_to_kernel_alignment_and_a_fixed_one_is_not()
    {
        void Pref(byte[] i, ulong address) => BinaryPrimitives.WriteUInt64LittleEndian(i.AsSpan(0x258), address);

        Assert.Equal(0x120_0000UL, Load(Kernel(i => Pref(i, 0x110_0000))).Placement.KernelAddress);
        Assert.Equal(0x110_0000UL, Load(Kernel(i => { Pref(i, 0x110_0000); i[0x234] = 0; })).Placement.KernelAddress);
    }

    [Fact]
    public void A_kernel_that_wants_to_load_below_1_MiB_is_refused()
    {
        var e = Assert.Throws<BootLoaderException>(() =>
            Load(Kernel(i => { BinaryPrimitives.WriteUInt64LittleEndian(i.AsSpan(0x258), 0x8_0000); i[0x234] = 0; })));

        Assert.Contains("below 1 MiB", e.Message);
    }

    [Fact]
    public void Without_an_initramfs_the_ramdisk_fields_stay_zero()
    {
        BootImage boot = Load(Kernel(), Options(initramfs: []));

        Assert.Equal(0UL, boot.Placement.InitramfsSize);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(Read(boot, Layout.ZeroPage + 0x218, 8)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(Read(boot, Layout.ZeroPage + 0x21C, 4)));
    }

    [Fact]
    public void A_kernel_whose_init_size_exceeds_RAM_is_refused()
    {
        var e = Assert.Throws<BootLoaderException>(() =>
            Load(Kernel(i => BinaryPrimitives.WriteUInt32LittleEndian(i.AsSpan(0x260), 0x300_1000))));

        Assert.Contains("test-kernel", e.Message);
        Assert.Contains("init_size 0x3001000", e.Message);
        Assert.Contains("RAM ends at 0x4000000", e.Message);
    }

    [Fact]
    public void An_initramfs_that_does_not_fit_above_the_kernel_is_refused()
    {
        var big = new byte[0x2F0_0000]; // RAM 64 MiB - kernel end 18 MiB leaves 46 MiB

        var e = Assert.Throws<BootLoaderException>(() => Load(Kernel(), Options(initramfs: big)));
        Assert.Contains("does not fit", e.Message);
    }

    [Fact]
    public void An_initrd_addr_max_below_the_kernel_end_is_refused()
    {
        var e = Assert.Throws<BootLoaderException>(() =>
            Load(Kernel(i => BinaryPrimitives.WriteUInt32LittleEndian(i.AsSpan(0x22C), 0xFF_FFFF))));

        Assert.Contains("initrd_addr_max 0xffffff", e.Message);
    }

    [Fact]
    public void A_command_line_longer_than_cmdline_size_is_refused()
    {
        var e = Assert.Throws<BootLoaderException>(() => Load(Kernel(), Options(new string('x', (int)SyntheticKernel.CmdlineSize + 1))));

        Assert.Contains($"cmdline_size allows {SyntheticKernel.CmdlineSize}", e.Message);
        Assert.Throws<BootLoaderException>(() => Load(Kernel(), Options("a\0b")));
    }

    [Fact]
    public void A_kernel_without_a_64_bit_entry_or_with_an_old_protocol_is_refused()
    {
        var no64 = Assert.Throws<BootLoaderException>(() => Load(Kernel(i => i[0x236] = 0)));
        Assert.Contains("XLF_KERNEL_64", no64.Message);

        var old = Assert.Throws<BootLoaderException>(() => Load(Kernel(i => BinaryPrimitives.WriteUInt16LittleEndian(i.AsSpan(0x206), 0x020B))));
        Assert.Contains("2.11", old.Message);
    }

    [Fact]
    public void Layout_validation_accepts_the_default_and_names_overlapping_structures()
    {
        LinuxBootLayout.Default.Validate();

        var e = Assert.Throws<BootLoaderException>(() => (LinuxBootLayout.Default with { ZeroPage = 0x9000 }).Validate());
        Assert.Contains("overlaps", e.Message);
        Assert.Contains("zero page", e.Message);
    }
}
