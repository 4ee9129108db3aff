namespace Vmspec.Runtime.Boot;

/// <summary>
/// The guest-physical map of a Linux boot, in one place (Firecracker's arch/x86_64/layout.rs): the boot
/// structures live in the first 640 KiB, the kernel and initramfs in RAM above 1 MiB.
/// </summary>
public sealed record LinuxBootLayout
{
    public static readonly LinuxBootLayout Default = new();

    /// <summary>Start of the 768 MiB below 4 GiB kept free for MMIO (LAPIC, IOAPIC, ...); RAM must end below it.</summary>
    public const ulong MmioGapStart = 0xD000_0000;
    /// <summary>The identity map covers the first 4 GiB (kernel, boot structures and the MMIO gap) with 2 MiB pages.</summary>
    public const ulong IdentityMapSize = 0x1_0000_0000;
    public const int PageDirectoryCount = (int)(IdentityMapSize >> 30);
    /// <summary>Where the protected-mode kernel goes when the header gives no pref_address (LOAD_PHYSICAL_ADDR).</summary>
    public const ulong DefaultKernelAddress = 0x100_0000;

    /// <summary>Size of slot 0 (guest-physical 0 up).</summary>
    public ulong RamSize { get; init; } = 0x1000_0000;
    /// <summary>GDT: null, null, __BOOT_CS (0x10), __BOOT_DS (0x18), TSS (0x20).</summary>
    public ulong Gdt { get; init; } = 0x500;
    /// <summary>An empty IDT (limit 0): an exception before the kernel installs its own is a triple fault.</summary>
    public ulong Idt { get; init; } = 0x580;
    public ulong Tss { get; init; } = 0x600;
    /// <summary>PVH: hvm_start_info, its module list and memory map share this page.</summary>
    public ulong StartInfo { get; init; } = 0x6000;
    /// <summary>struct boot_params for the 64-bit boot protocol.</summary>
    public ulong ZeroPage { get; init; } = 0x7000;
    public ulong BootStackTop { get; init; } = 0x8FF0;
    public ulong Pml4 { get; init; } = 0x9000;
    public ulong Pdpt { get; init; } = 0xA000;
    /// <summary>First of <see cref="PageDirectoryCount"/> consecutive page directories.</summary>
    public ulong PageDirectories { get; init; } = 0xB000;
    public ulong CommandLine { get; init; } = 0x2_0000;
    /// <summary>Bytes reserved for the command line including its NUL.</summary>
    public ulong CommandLineCapacity { get; init; } = 0x1_0000;

    /// <summary>The fixed boot structures as named ranges (for overlap checks and error messages).</summary>
    public IReadOnlyList<(string Name, ulong Start, ulong Size)> FixedRegions =>
    [
        ("GDT", Gdt, BootGdt.Size),
        ("IDT", Idt, 8),
        ("TSS", Tss, BootGdt.TssLimit + 1),
        ("start info", StartInfo, 0x1000),
        ("zero page", ZeroPage, ZeroPageOffsets.Size),
        ("boot stack", BootStackTop - 0x800, 0x800),
        ("PML4", Pml4, 0x1000),
        ("PDPT", Pdpt, 0x1000),
        ("page directories", PageDirectories, 0x1000UL * PageDirectoryCount),
        ("command line", CommandLine, CommandLineCapacity),
    ];

    /// <summary>Throws when RAM is out of range or two fixed structures overlap or leave conventional memory.</summary>
    public void Validate()
    {
        if (RamSize % 0x1000 != 0 || RamSize <= E820Map.HighMemoryStart || RamSize > MmioGapStart)
            throw new BootLoaderException($"boot layout: RAM size 0x{RamSize:x} must be page-aligned, above 1 MiB and at most 0x{MmioGapStart:x}");
        var regions = FixedRegions.OrderBy(r => r.Start).ToArray();
        for (int i = 0; i < regions.Length; i++)
        {
            if (regions[i].Start + regions[i].Size > E820Map.EbdaStart)
                throw new BootLoaderException($"boot layout: {regions[i].Name} at 0x{regions[i].Start:x} runs past conventional memory (0x{E820Map.EbdaStart:x})");
            if (i > 0 && regions[i - 1].Start + regions[i - 1].Size > regions[i].Start)
                throw new BootLoaderException($"boot layout: {regions[i - 1].Name} at 0x{regions[i - 1].Start:x} overlaps {regions[i].Name} at 0x{regions[i].Start:x}");
        }
    }
}
