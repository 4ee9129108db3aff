using Vmspec.Abi.KvmPara;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// The <c>msr-protocol</c> guest: x2APIC and SVR on (page-ready needs a software-enabled LAPIC), page-ready
/// handling on vectors 32-255, then each access in order with RDMSR/WRMSR that survive #GP, reporting
/// (index, R11, value). After every accepted write of MSR_KVM_ASYNC_PF_EN it records the data area for the
/// handler and waits, interrupts on, for the wakeup-all. Runs at CPL0 with interrupts off otherwise.
/// </summary>
public static class MsrProtocolGuest
{
    public const string Name = "msr-protocol";

    public static GuestProgram Build(GuestLayout layout, IReadOnlyList<MsrAccess> accesses)
    {
        var g = new GuestProgramBuilder(layout);
        var v = GuestVariables.For(layout);
        var a = g.Asm;
        PageReadyHandler.Install(g, v);
        g.EnableX2Apic();
        for (int i = 0; i < accesses.Count; i++)
        {
            MsrAccess access = accesses[i];
            g.Report(GuestReports.AccessIndex, (ulong)i);
            if (access.Op == MsrOp.Read)
                g.RdmsrSafe(access.Msr);
            else
                g.WrmsrSafe(access.Msr, access.Value ?? 0);
            a.mov(r12, rax);
            a.mov(r13, r11);
            g.ReportRegister(GuestReports.AccessFault, r13);
            if (access.Op == MsrOp.Read)
                g.ReportRegister(GuestReports.AccessValue, r12);
            else if (access.Msr == KvmPvMsrs.AsyncPfEn)
                WaitAfterAcceptedEnable(g, v, access.Value ?? 0);
        }
        return g.Done().Build();
    }

    private static void WaitAfterAcceptedEnable(GuestProgramBuilder g, GuestVariables v, ulong value)
    {
        var a = g.Asm;
        Iced.Intel.Label skip = a.CreateLabel();
        a.test(r13, r13);
        a.jnz(skip);
        a.mov(rax, AsyncPfEn.Gpa(value));
        a.mov(__qword_ptr[v.AreaGpa], rax);
        WakeupWait.Emit(g, v);
        a.Label(ref skip);
        a.nop();
    }
}
