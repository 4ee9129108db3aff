namespace Vmspec.Runtime.X86;

/// <summary>
/// The guest-physical memory map of a vmspec guest, in one place (Firecracker's layout.rs).
/// Defaults follow apf-prototype.c: tables in the first 64 KiB, code at 64 KiB, stacks below 2 and 3 MiB.
/// </summary>
public sealed record GuestLayout
{
    public static readonly GuestLayout Default = new();

    /// <summary>Size of slot 0, the plain RAM holding everything below.</summary>
    public ulong RamSize { get; init; } = 0x40_0000;
    public ulong Gdt { get; init; } = 0x1000;
    public ulong Pml4 { get; init; } = 0x2000;
    public ulong Pdpt { get; init; } = 0x3000;
    public ulong PageDirectory { get; init; } = 0x4000;
    public ulong Tss { get; init; } = 0x5000;
    /// <summary>A 64-byte-aligned page for structures shared with the host (e.g. the async #PF area).</summary>
    public ulong SharedPage { get; init; } = 0x6000;
    public ulong Idt { get; init; } = 0x7000;
    /// <summary>A page of guest variables (counters, last token) that the host can read after the run.</summary>
    public ulong DataPage { get; init; } = 0x8000;
    public ulong Code { get; init; } = 0x1_0000;
    public ulong CodeLimit { get; init; } = 0x10_0000;
    /// <summary>RSP at entry and TSS.RSP0 (stack for interrupts taken at CPL3).</summary>
    public ulong KernelStackTop { get; init; } = 0x1f_0000;
    public ulong UserStackTop { get; init; } = 0x30_0000;
    /// <summary>Bytes identity-mapped with 2 MiB pages (one page directory: at most 1 GiB).</summary>
    public ulong IdentityMapSize { get; init; } = 0x4000_0000;

    public ulong MaxCodeSize => CodeLimit - Code;
}
