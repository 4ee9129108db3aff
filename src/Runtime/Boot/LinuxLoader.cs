using Vmspec.GuestKernels.Boot;

namespace Vmspec.Runtime.Boot;

/// <summary>
/// Loads a bzImage for the 64-bit boot protocol (Documentation/arch/x86/boot.rst): protected-mode kernel at its
/// preferred address, command line, initramfs as high as the header allows, zero page, GDT and identity map;
/// the vCPU starts in long mode at the 64-bit entry (load address + 0x200) with RSI at the zero page.
/// </summary>
public static class LinuxLoader
{
    /// <summary>xloadflags and init_size need protocol 2.12.</summary>
    public const ushort MinimumProtocol = 0x020C;
    public const ulong Entry64Offset = 0x200;
    public const ulong InitramfsAlignment = 0x1000;
    /// <summary>initrd_addr_max to assume when the header leaves it 0 (boot.rst).</summary>
    public const ulong DefaultInitrdAddrMax = 0x37FF_FFFF;
    /// <summary>Command line limit of kernels before protocol 2.06.</summary>
    public const uint DefaultCmdlineSize = 255;

    /// <summary>Lays out <paramref name="image"/> (a bzImage read from <paramref name="source"/>) into a <see cref="BootImage"/>.</summary>
    public static BootImage LoadBzImage(ReadOnlyMemory<byte> image, string source, LinuxBootOptions options)
    {
        LinuxBootLayout layout = options.Layout;
        layout.Validate();
        var header = BzImage.Parse(image.Span, source);
        if (header.ProtocolVersion < MinimumProtocol)
            throw new BootLoaderException($"{source}: boot protocol {header.ProtocolText} is older than 2.12; the 64-bit boot protocol needs xloadflags and init_size");
        if (!header.XLoadFlags.HasFlag(XLoadFlags.Kernel64))
            throw new BootLoaderException($"{source}: xloadflags 0x{(ushort)header.XLoadFlags:x} lacks XLF_KERNEL_64: the kernel has no 64-bit entry point");

        ReadOnlyMemory<byte> kernel = image[header.SetupSize..];
        ulong kernelAddress = KernelAddress(header, source);
        ulong kernelEnd = kernelAddress + Math.Max(header.InitSize, (ulong)kernel.Length);
        if (kernelAddress < E820Map.HighMemoryStart)
            throw new BootLoaderException($"{source}: the kernel wants to load at 0x{kernelAddress:x}, below 1 MiB where the boot structures live");
        if (kernelEnd > layout.RamSize)
            throw new BootLoaderException(
                $"{source}: the kernel needs [0x{kernelAddress:x}, 0x{kernelEnd:x}) (init_size 0x{header.InitSize:x}) but RAM ends at 0x{layout.RamSize:x}");

        byte[] commandLine = KernelCommandLine.Encode(options.CommandLine, header.CmdlineSize != 0 ? header.CmdlineSize : DefaultCmdlineSize, layout, source);
        ulong initrdSize = (ulong)options.Initramfs.Length;
        ulong initrdAddress = initrdSize == 0 ? 0 : InitramfsAddress(header, layout, kernelEnd, initrdSize, source);

        IReadOnlyList<E820Entry> memoryMap = E820Map.ForRam(layout.RamSize);
        byte[] zeroPage = BootParams.Build(image.Span, header, new BootParamsInput(layout.CommandLine, initrdAddress, initrdSize, memoryMap));

        var writes = new List<BootMemoryWrite>
        {
            new(layout.Gdt, BootGdt.Build(longMode: true, layout.Tss)),
            new(layout.ZeroPage, zeroPage),
            new(layout.CommandLine, commandLine),
            new(kernelAddress, kernel),
        };
        writes.AddRange(IdentityPageTables.Build(layout));
        if (initrdSize != 0) writes.Add(new(initrdAddress, options.Initramfs));

        ulong entry = kernelAddress + Entry64Offset;
        var regs = new KvmRegs { Rip = entry, Rsi = layout.ZeroPage, Rsp = layout.BootStackTop, Rbp = layout.BootStackTop, Rflags = Rflags.Reserved1 };
        return new BootImage(layout.RamSize, writes, regs, BootCpuState.LongMode(layout),
            new BootPlacement(kernelAddress, kernelEnd, entry, layout.ZeroPage, layout.CommandLine, initrdAddress, initrdSize));
    }

    /// <summary>pref_address (or LOAD_PHYSICAL_ADDR), rounded up to kernel_alignment when the kernel is relocatable.</summary>
    public static ulong KernelAddress(BzImage header, string source)
    {
        ulong preferred = header.PrefAddress != 0 ? header.PrefAddress : LinuxBootLayout.DefaultKernelAddress;
        if (!header.Relocatable) return preferred;
        ulong alignment = header.KernelAlignment;
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            throw new BootLoaderException($"{source}: kernel_alignment 0x{alignment:x} is not a power of two");
        return AlignUp(preferred, alignment);
    }

    /// <summary>The highest page-aligned address below initrd_addr_max and the end of RAM, above the kernel's init_size.</summary>
    public static ulong InitramfsAddress(BzImage header, LinuxBootLayout layout, ulong kernelEnd, ulong size, string source)
    {
        ulong lastByte = header.RamdiskMax != 0 ? header.RamdiskMax : DefaultInitrdAddrMax;
        ulong top = Math.Min(lastByte + 1, layout.RamSize);
        return PlaceInitramfs(top, kernelEnd, size, source, $"min(initrd_addr_max 0x{lastByte:x} + 1, RAM end 0x{layout.RamSize:x}) = 0x{top:x}");
    }

    /// <summary>The highest page-aligned start for <paramref name="size"/> bytes ending by <paramref name="top"/> and starting at or above <paramref name="kernelEnd"/>.</summary>
    internal static ulong PlaceInitramfs(ulong top, ulong kernelEnd, ulong size, string source, string topDescription)
    {
        if (size > top || AlignDown(top - size, InitramfsAlignment) < AlignUp(kernelEnd, InitramfsAlignment))
            throw new BootLoaderException($"{source}: an initramfs of {size} bytes does not fit between the kernel's end (0x{kernelEnd:x}) and {topDescription}");
        return AlignDown(top - size, InitramfsAlignment);
    }

    private static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);

    private static ulong AlignDown(ulong value, ulong alignment) => value & ~(alignment - 1);
}
