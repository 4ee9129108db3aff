namespace Vmspec.Runtime.Boot;

/// <summary>E820 address range types (arch/x86/include/asm/e820/types.h).</summary>
public enum E820Type : uint
{
    Ram = 1,
    Reserved = 2,
    Acpi = 3,
    Nvs = 4,
    Unusable = 5,
}

/// <summary>One e820 entry: 20 bytes in the zero page (addr u64, size u64, type u32).</summary>
public readonly record struct E820Entry(ulong Address, ulong Size, E820Type Type)
{
    public ulong End => Address + Size;
}

/// <summary>The memory map a vmspec machine reports, laid out as Firecracker's x86_64 layout does.</summary>
public static class E820Map
{
    /// <summary>Start of the Extended BIOS Data Area: conventional RAM ends here.</summary>
    public const ulong EbdaStart = 0x9_FC00;
    /// <summary>The first byte above the legacy VGA/BIOS hole (640 KiB - 1 MiB).</summary>
    public const ulong HighMemoryStart = 0x10_0000;

    /// <summary>
    /// Usable RAM below the EBDA, the EBDA and 640 KiB-1 MiB hole reserved, usable RAM from 1 MiB to
    /// <paramref name="ramSize"/> (which must lie above 1 MiB and below the 32-bit MMIO gap).
    /// </summary>
    public static IReadOnlyList<E820Entry> ForRam(ulong ramSize)
    {
        if (ramSize <= HighMemoryStart)
            throw new ArgumentOutOfRangeException(nameof(ramSize), $"RAM of 0x{ramSize:x} bytes does not reach above 1 MiB; a Linux guest needs more");
        if (ramSize > LinuxBootLayout.MmioGapStart)
            throw new ArgumentOutOfRangeException(nameof(ramSize), $"RAM of 0x{ramSize:x} bytes runs into the 32-bit MMIO gap at 0x{LinuxBootLayout.MmioGapStart:x}");
        return
        [
            new(0, EbdaStart, E820Type.Ram),
            new(EbdaStart, HighMemoryStart - EbdaStart, E820Type.Reserved),
            new(HighMemoryStart, ramSize - HighMemoryStart, E820Type.Ram),
        ];
    }
}
