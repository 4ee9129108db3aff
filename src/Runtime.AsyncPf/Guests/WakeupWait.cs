using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>
/// After an accepted enabling write: interrupts on, spin (bounded) until the page-ready counter moves, i.e. the
/// 'wakeup all' arrived, interrupts off, report the iterations. Clobbers RAX, RCX, R14.
/// </summary>
internal static class WakeupWait
{
    /// <summary>The prototype's bound: KVM injects the wakeup-all on the entry after the WRMSR, within a few iterations.</summary>
    public const int Bound = 20_000;

    public static void Emit(GuestProgramBuilder g, GuestVariables v)
    {
        var a = g.Asm;
        Iced.Intel.Label loop = a.CreateLabel(), done = a.CreateLabel();
        a.mov(r14d, __dword_ptr[v.PageReadyCount]);
        a.xor(ecx, ecx);
        a.sti();
        a.Label(ref loop);
        a.inc(ecx);
        a.cmp(__dword_ptr[v.PageReadyCount], r14d);
        a.jne(done);
        a.cmp(ecx, Bound);
        a.jb(loop);
        a.Label(ref done);
        a.cli();
        g.ReportRegister(GuestReports.WakeupWait, rcx);
    }
}
