using Vmspec.Abi.KvmPara;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// The <c>msr-protocol</c> guest: x2APIC and SVR on (page-ready needs a software-enabled LAPIC), page-ready
/// handling on vectors 16-255, then each access in order with RDMSR/WRMSR that survive #GP, reporting
/// (index, R11, value). An accepted write of MSR_KVM_ASYNC_PF_EN with ENABLED and DELIVERY_AS_INT records its data
/// area for the handler (KVM moves its own there only then); an access with <see cref="MsrAccess.Wait"/> is followed
/// by a <see cref="WakeupWait"/>. At the end it reports the token left at offset 4 of the recorded area. Runs at CPL0
/// with interrupts off outside the waits.
/// </summary>
public static class MsrProtocolGuest
{
    public const string Name = "msr-protocol";

    public static GuestProgram Build(GuestLayout layout, IReadOnlyList<MsrAccess> accesses)
    {
        var g = new GuestProgramBuilder(layout);
        var v = GuestVariables.For(layout);
        var a = g.Asm;
        PageReadyHandler.Install(g, v, (guest, kind, value) => guest.ReportRegister(kind, value));
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
            else if (access.Msr == KvmPvMsrs.AsyncPfEn && EnablesDelivery(access.Value ?? 0))
                RecordAreaIfAccepted(g, v, access.Value ?? 0);
            if (access.Wait)
                WakeupWait.Emit(g, v);
        }
        ReportSlotToken(g, v);
        return g.Done().Build();
    }

    /// <summary>kvm_pv_async_pf_enabled: both bits, or KVM keeps its data area (arch/x86/kvm/x86.h:618-623, x86.c:3153-3161).</summary>
    private static bool EnablesDelivery(ulong value) =>
        AsyncPfEn.Flags(value).HasFlag(AsyncPfEnFlags.Enabled | AsyncPfEnFlags.DeliveryAsInt);

    /// <summary>R13 holds the write's R11: 0 when it was accepted.</summary>
    private static void RecordAreaIfAccepted(GuestProgramBuilder g, GuestVariables v, ulong value)
    {
        var a = g.Asm;
        Iced.Intel.Label skip = a.CreateLabel();
        a.test(r13, r13);
        a.jnz(skip);
        a.mov(rax, AsyncPfEn.Gpa(value));
        a.mov(__qword_ptr[v.AreaGpa], rax);
        a.Label(ref skip);
        a.nop();
    }

    private static void ReportSlotToken(GuestProgramBuilder g, GuestVariables v)
    {
        var a = g.Asm;
        Iced.Intel.Label none = a.CreateLabel();
        a.mov(r12, __qword_ptr[v.AreaGpa]);
        a.test(r12, r12);
        a.jz(none);
        a.mov(eax, __dword_ptr[r12 + KvmVcpuPvApfData.TokenOffset]);
        g.ReportRegister(GuestReports.SlotToken, rax);
        a.Label(ref none);
        a.nop();
    }
}
