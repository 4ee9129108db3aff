using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>
/// The async-pf guest's deferred reports. A report costs three exits (about 65 µs each under the lab's TCG), and a
/// fault cycle used to make six of them (and the finish one per page), so the handlers append (kind, value, TSC)
/// entries to this log in guest RAM instead; the host reads the log after the run
/// (<see cref="Verification.DeferredReports"/>) and places each entry on its clock by the entry's TSC. What stays an exit during the workload is the page release (the handshake).
/// Entry: u32 kind, u32 zero, u64 value, u64 TSC at the append. The log lies above the user stack, in RAM that
/// nothing else of the guest uses; a full log stops the guest with an assertion (no case comes near it).
/// </summary>
internal static class ReportLog
{
    public const int EntrySize = 24;
    public const ulong Base = 0x30_0000;
    public const ulong End = 0x40_0000;

    /// <summary>Entries the log holds (about 8 per fault; a run has at most <see cref="GuestVariables.MaxPages"/> faults).</summary>
    public const int Capacity = (int)((End - Base) / EntrySize);

    /// <summary>Points the log's cursor at its start; before any handler can append.</summary>
    public static void EmitReset(GuestProgramBuilder g, GuestVariables v)
    {
        if (g.Layout.RamSize < End || g.Layout.UserStackTop > Base)
            throw new ArgumentException($"the report log [0x{Base:x}, 0x{End:x}) must lie in RAM above the user stack");
        g.Asm.mov(__qword_ptr[v.LogCursor], (int)Base);
    }

    /// <summary>Appends (kind, the register's value, TSC); interrupts must be off. Preserves every register, not the flags.</summary>
    public static void Record(GuestProgramBuilder g, GuestVariables v, uint kind, AssemblerRegister64 value)
    {
        var a = g.Asm;
        a.push(rax);
        a.push(rdx);
        a.push(rdi);
        a.mov(rdi, value);
        a.push(rdi);
        a.mov(rdi, __qword_ptr[v.LogCursor]);
        a.cmp(rdi, (int)(End - EntrySize));
        g.GuestAssert(GuestCondition.BelowOrEqual, "async-pf report log full");
        a.mov(__dword_ptr[rdi], kind);
        a.mov(__dword_ptr[rdi + 4], 0);
        a.pop(rax);
        a.mov(__qword_ptr[rdi + 8], rax);
        a.rdtsc();
        a.shl(rdx, 32);
        a.or(rax, rdx);
        a.mov(__qword_ptr[rdi + 16], rax);
        a.add(rdi, EntrySize);
        a.mov(__qword_ptr[v.LogCursor], rdi);
        a.pop(rdi);
        a.pop(rdx);
        a.pop(rax);
    }
}
