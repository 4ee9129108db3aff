using Iced.Intel;
using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.Devices;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// The <c>async-pf</c> guest, apf-prototype.c generalised: MSR_KVM_ASYNC_PF_INT = vector, EN = the case's value,
/// wait for the wakeup-all, then read the first quadword of each page of the userfaultfd slot, from CPL3 or CPL0
/// with IF as the workload says. Nothing is reported while IF may be 1 outside a handler (an interrupt between
/// the three OUTs of a report would tear it): values go to the data page, and a UD2 enters the CPL0 #UD handler
/// (the IDT has only DPL0 gates) which reports them with interrupts off and ends the run.
/// The #PF handler's 'page not present' path is one half of a handshake: with interrupts on it releases the page
/// (a single OUT to <see cref="ReportPorts.ReleasePage"/>) that the host keeps missing until then, and waits for
/// the page-ready; so the guest provably ran, interrupts on, after the 'page not present' and before its page
/// existed, whatever the relative speed of guest and host. That release is the fault cycle's one exit: the handlers
/// record what they observed in the <see cref="ReportLog"/>, which the host reads after the run.
/// </summary>
public static class AsyncPfGuest
{
    public const string Name = "async-pf";
    public const int PageSize = 4096;

    /// <summary>
    /// The #PF handler's hang guard: TSC cycles it waits for its page-ready beyond the resolve delay (about 1 s at
    /// 4 GHz). Only a page-ready that never comes reaches it; the page-ready cannot come before the release anyway.
    /// </summary>
    private const ulong SpinCyclesBase = 1UL << 32;
    /// <summary>Per millisecond of resolve delay: enough for an 8 GHz TSC.</summary>
    private const ulong SpinCyclesPerMs = 8_000_000;

    public static GuestProgram Build(GuestLayout layout, AsyncPfPlan setup, ulong slotBase)
    {
        FaultWorkload workload = setup.Workload
            ?? throw new ArgumentException("the async-pf guest needs a fault workload", nameof(setup));
        if (workload.Pages is < 1 or > GuestVariables.MaxPages)
            throw new ArgumentException($"workload pages {workload.Pages}: must be 1-{GuestVariables.MaxPages}", nameof(setup));
        if (workload.Cpl is not (0 or 3))
            throw new ArgumentException($"workload cpl {workload.Cpl}: must be 0 or 3", nameof(setup));

        var g = new GuestProgramBuilder(layout);
        var v = GuestVariables.For(layout);
        var a = g.Asm;
        Label finishTrap = a.CreateLabel();
        ReportLog.EmitReset(g, v);
        PageReadyHandler.Install(g, v, (guest, kind, value) => ReportLog.Record(guest, v, kind, value));
        g.SetInterruptHandler((int)ExceptionNames.PageFault, pf => EmitPageFaultHandler(pf, v, SpinBound(workload)));
        g.SetInterruptHandler((int)ExceptionNames.InvalidOpcode, ud => EmitFinish(ud, v, (int)workload.Pages, finishTrap));

        ReadTsc(a);
        a.mov(__qword_ptr[v.StartTsc], rax);
        g.EnableX2Apic();
        a.mov(rax, AsyncPfEn.Gpa(setup.EnValue));
        a.mov(__qword_ptr[v.AreaGpa], rax);
        if (setup.Vector is { } vector)
            g.WrmsrSafe(KvmPvMsrs.AsyncPfInt, vector).ReportRegister(GuestReports.SetupIntFault, r11);
        g.WrmsrSafe(KvmPvMsrs.AsyncPfEn, setup.EnValue).ReportRegister(GuestReports.SetupEnFault, r11);
        if (setup.EnValue != 0)
        {
            Label skip = a.CreateLabel();
            a.test(r11, r11);
            a.jnz(skip);
            WakeupWait.Emit(g, v);
            a.Label(ref skip);
            a.nop();
        }

        ReadTsc(a);
        g.ReportRegister(GuestReports.ClockTsc, rax);
        if (workload.Cpl == 3)
            g.EnterUser(workload.InterruptsEnabled);
        else if (workload.InterruptsEnabled)
            g.Sti();
        EmitTouches(a, v, slotBase, (int)workload.Pages);
        a.Label(ref finishTrap);
        a.ud2();
        return g.Build();
    }

    internal static ulong SpinBound(FaultWorkload workload) =>
        SpinCyclesBase + (ulong)Math.Ceiling(workload.ResolveDelay.TotalMilliseconds) * SpinCyclesPerMs;

    /// <summary>THE ACCESSES: one load per page; the value goes to the data page.</summary>
    private static void EmitTouches(Assembler a, GuestVariables v, ulong slotBase, int pages)
    {
        Label loop = a.CreateLabel();
        a.xor(r15d, r15d);
        a.mov(r14, slotBase);
        a.Label(ref loop);
        a.mov(rax, __qword_ptr[r14]);
        a.mov(__qword_ptr[r15 * 8 + v.Values], rax);
        a.inc(__dword_ptr[v.TouchesDone]);
        a.add(r14, PageSize);
        a.inc(r15);
        a.cmp(r15, pages);
        a.jb(loop);
    }

    /// <summary>
    /// flags = 1: a 'page not present'. Record CR2 and flags (<see cref="ReportLog"/>: no exit), zero flags, then with interrupts on release the page
    /// being touched (the touch loop's count of completed touches is its index) and run on, counting, until the
    /// page-ready handler has seen the same token (or the TSC hang guard runs out); record how the wait ended, the
    /// count and the cycles. So the release is the one exit of a fault cycle. flags = 0: a genuine #PF; report a
    /// clock pair (for the deferred reports) and CR2, and stop.
    /// </summary>
    private static void EmitPageFaultHandler(GuestProgramBuilder g, GuestVariables v, ulong spinBoundCycles)
    {
        var a = g.Asm;
        AssemblerRegister64[] saved = [rax, rbx, rcx, rdx, r10, r11, r12];
        foreach (var register in saved) a.push(register);
        int errorCodeSlot = saved.Length * 8;
        Label notPresent = a.CreateLabel(), spin = a.CreateLabel(), ready = a.CreateLabel(), waited = a.CreateLabel();

        a.mov(r12, __qword_ptr[v.AreaGpa]);
        a.mov(ebx, __dword_ptr[r12 + KvmVcpuPvApfData.FlagsOffset]);
        a.test(ebx, ebx);
        a.jnz(notPresent);
        ReadTsc(a);
        g.ReportRegister(GuestReports.ClockTsc, rax);
        a.mov(rax, cr2);
        g.ReportRegister(GuestReports.GenuinePageFault, rax);
        a.xor(eax, eax);
        g.GuestAssert(GuestCondition.NotEqual, "genuine #PF (apf flags = 0)");

        a.Label(ref notPresent);
        a.mov(__dword_ptr[r12 + KvmVcpuPvApfData.FlagsOffset], 0);
        a.inc(__dword_ptr[v.NotPresentCount]);
        a.mov(r11, cr2);
        ReportLog.Record(g, v, GuestReports.NotPresentCr2, r11);
        a.mov(rax, __qword_ptr[rsp + errorCodeSlot]);
        a.shl(rax, 32);
        a.or(rax, rbx);
        ReportLog.Record(g, v, GuestReports.NotPresentFlags, rax);
        ReadTsc(a);
        a.mov(r10, rax);
        ReportLog.Record(g, v, GuestReports.ReleaseTsc, r10);
        a.xor(ecx, ecx);
        a.sti();
        // THE HANDSHAKE: interrupts on, release the page this fault is for; the host resolves it only now.
        a.mov(eax, __dword_ptr[v.TouchesDone]);
        g.ReleaseUserfaultPage(eax);
        a.Label(ref spin);
        a.inc(rcx);
        a.cmp(__dword_ptr[v.LastReadyToken], r11d);
        a.je(ready);
        ReadTsc(a);
        a.sub(rax, r10);
        a.mov(rdx, spinBoundCycles);
        a.cmp(rax, rdx);
        a.jb(spin);
        a.xor(ebx, ebx);
        a.jmp(waited);
        a.Label(ref ready);
        a.mov(ebx, 1);
        a.Label(ref waited);
        a.cli();
        ReportLog.Record(g, v, GuestReports.NotPresentWaitEnd, rbx);
        ReportLog.Record(g, v, GuestReports.NotPresentSpin, rcx);
        a.mov(rax, __qword_ptr[v.ReadyTsc]);
        a.sub(rax, r10);
        ReportLog.Record(g, v, GuestReports.NotPresentCycles, rax);

        foreach (var register in saved.Reverse()) a.pop(register);
        a.add(rsp, 8); // the error code
        a.iretq();
    }

    /// <summary>
    /// The #UD handler the touch loop's UD2 enters: with interrupts off, records the page values (three exits a page
    /// saved, as in the #PF handler) and reports the totals, then Done.
    /// </summary>
    private static void EmitFinish(GuestProgramBuilder g, GuestVariables v, int pages, Label finishTrap)
    {
        var a = g.Asm;
        Label loop = a.CreateLabel();
        a.lea(rax, __[finishTrap]);
        a.cmp(rax, __qword_ptr[rsp]);
        g.GuestAssert(GuestCondition.Equal, "#UD elsewhere than the end of the touch loop");
        a.xor(r15d, r15d);
        a.Label(ref loop);
        a.mov(rax, __qword_ptr[r15 * 8 + v.Values]);
        ReportLog.Record(g, v, GuestReports.PageValue, rax);
        a.inc(r15);
        a.cmp(r15, pages);
        a.jb(loop);
        a.mov(eax, __dword_ptr[v.AckCount]);
        g.ReportRegister(GuestReports.AckCount, rax);
        a.mov(eax, __dword_ptr[v.TouchesDone]);
        g.ReportRegister(GuestReports.TouchesDone, rax);
        a.mov(rax, __qword_ptr[v.StartTsc]);
        g.ReportRegister(GuestReports.StartTsc, rax);
        ReadTsc(a);
        g.ReportRegister(GuestReports.EndTsc, rax);
        g.Done();
    }

    /// <summary>RAX = TSC; clobbers RDX.</summary>
    private static void ReadTsc(Assembler a)
    {
        a.rdtsc();
        a.shl(rdx, 32);
        a.or(rax, rdx);
    }
}
