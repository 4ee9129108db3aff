namespace Vmspec.Runtime.X86;

/// <summary>Puts a vCPU straight into 64-bit mode at CPL0 with paging, as apf-prototype.c does through KVM_SET_SREGS.</summary>
public static class LongModeSetup
{
    /// <summary>Writes the GDT, TSS, identity page tables and IDT into guest RAM.</summary>
    public static void WriteTables(GuestMemory memory, GuestLayout layout, IReadOnlyDictionary<int, ulong> idtHandlers)
    {
        memory.Write(layout.Gdt, Gdt.Build(layout.Tss));
        memory.Write(layout.Tss, Tss.Build(layout.KernelStackTop));
        var tables = PageTables.BuildIdentity(layout);
        memory.Write(layout.Pml4, tables.Pml4);
        memory.Write(layout.Pdpt, tables.Pdpt);
        memory.Write(layout.PageDirectory, tables.PageDirectory);
        memory.Write(layout.Idt, IdtGate.BuildTable(idtHandlers));
    }

    /// <summary><paramref name="sregs"/> (from KVM_GET_SREGS) with long-mode segments, tables and control registers.</summary>
    public static KvmSregs Sregs(KvmSregs sregs, GuestLayout layout)
    {
        var code = new KvmSegment { Base = 0, Limit = 0xffff_ffff, Selector = Selectors.KernelCode, Present = 1, Type = 11, Dpl = 0, Db = 0, S = 1, L = 1, G = 1 };
        var data = code with { Selector = Selectors.KernelData, Type = 3, L = 0, Db = 1 };
        sregs.Cs = code;
        sregs.Ds = sregs.Es = sregs.Fs = sregs.Gs = sregs.Ss = data;
        sregs.Tr = new KvmSegment { Base = layout.Tss, Limit = Gdt.TssLimit, Selector = Selectors.Tss, Present = 1, Type = 11, S = 0 };
        sregs.Gdt = new KvmDtable { Base = layout.Gdt, Limit = Gdt.EntryCount * 8 - 1 };
        sregs.Idt = new KvmDtable { Base = layout.Idt, Limit = IdtGate.VectorCount * IdtGate.Size - 1 };
        sregs.Cr3 = layout.Pml4;
        sregs.Cr4 = Cr4.Pae;
        sregs.Cr0 = Cr0.LongMode;
        sregs.Efer = Efer.Lme | Efer.Lma;
        return sregs;
    }

    /// <summary>Entry registers: RIP at the program entry, RSP at the kernel stack, interrupts off.</summary>
    public static KvmRegs EntryRegs(GuestLayout layout, ulong entry) => new()
    {
        Rip = entry,
        Rsp = layout.KernelStackTop,
        Rflags = Rflags.Reserved1,
    };
}
