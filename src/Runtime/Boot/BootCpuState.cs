namespace Vmspec.Runtime.Boot;

/// <summary>The special registers a boot protocol fixes; applied on top of KVM_GET_SREGS (which keeps the APIC base).</summary>
public sealed record BootCpuState(
    KvmSegment Code,
    KvmSegment Data,
    KvmSegment Task,
    KvmDtable Gdt,
    KvmDtable Idt,
    ulong Cr0,
    ulong Cr3,
    ulong Cr4,
    ulong Efer)
{
    /// <summary>64-bit boot protocol: long mode with paging on the identity map, __BOOT_CS/__BOOT_DS.</summary>
    public static BootCpuState LongMode(LinuxBootLayout layout)
    {
        var (code, data, task) = BootGdt.Segments(longMode: true, layout.Tss);
        return new BootCpuState(code, data, task, Table(layout.Gdt, BootGdt.Size), Table(layout.Idt, 0),
            X86.Cr0.Pe | X86.Cr0.Et | X86.Cr0.Pg, layout.Pml4, X86.Cr4.Pae, X86.Efer.Lme | X86.Efer.Lma);
    }

    /// <summary>PVH: 32-bit protected mode, paging off, flat segments.</summary>
    public static BootCpuState Protected32(LinuxBootLayout layout)
    {
        var (code, data, task) = BootGdt.Segments(longMode: false, layout.Tss);
        return new BootCpuState(code, data, task, Table(layout.Gdt, BootGdt.Size), Table(layout.Idt, 0),
            X86.Cr0.Pe | X86.Cr0.Et, 0, 0, 0);
    }

    public KvmSregs ApplyTo(KvmSregs sregs)
    {
        sregs.Cs = Code;
        sregs.Ds = sregs.Es = sregs.Fs = sregs.Gs = sregs.Ss = Data;
        sregs.Tr = Task;
        sregs.Gdt = Gdt;
        sregs.Idt = Idt;
        sregs.Cr0 = Cr0;
        sregs.Cr3 = Cr3;
        sregs.Cr4 = Cr4;
        sregs.Efer = Efer;
        return sregs;
    }

    /// <summary>A descriptor table of <paramref name="bytes"/> bytes (limit = bytes - 1; an empty table has limit 0).</summary>
    private static KvmDtable Table(ulong address, int bytes) =>
        new() { Base = address, Limit = (ushort)Math.Max(bytes - 1, 0) };
}
