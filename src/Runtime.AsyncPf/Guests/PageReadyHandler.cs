using Iced.Intel;
using Vmspec.Abi.KvmPara;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>
/// The guest's 'page ready' handling, installed on every vector 16-255 so that an interrupt on a vector other
/// than the configured one is reported rather than lost: read the token at offset 4 of the data area; if it is
/// set, zero it, EOI, WRMSR MSR_KVM_ASYNC_PF_ACK = 1 and count (the order msr.rst:238-241 asks for); report
/// token and vector. An interrupt that finds the slot empty is only reported and EOIed.
/// From 16, not 32: the LAPIC injects any vector whose priority class exceeds the PPR, so a page-ready vector of
/// 16-31 arrives as an interrupt through those IDT entries (rule ready-vector-class); these guests raise none of
/// the exceptions 16-31 (#MF, #AC, #MC, #XM, #VE, #CP, ...), so the entries are free. Vectors 0-15 never arrive.
/// </summary>
internal static class PageReadyHandler
{
    public const int FirstVector = 16;

    /// <param name="report">How the handler reports (token | vector &lt;&lt; 32) in the register it is given: live or deferred.</param>
    public static void Install(GuestProgramBuilder guest, GuestVariables variables, Action<GuestProgramBuilder, uint, AssemblerRegister64> report)
    {
        Label common = guest.Asm.CreateLabel();
        guest.SetInterruptHandler(FirstVector, g =>
        {
            g.Asm.push(FirstVector);
            g.Asm.Label(ref common);
            EmitCommon(g, variables, report);
        });
        for (int vector = FirstVector + 1; vector < 256; vector++)
        {
            int pushed = vector;
            guest.SetInterruptHandler(vector, g =>
            {
                g.Asm.push(pushed);
                g.Asm.jmp(common);
            });
        }
    }

    /// <summary>Stack on entry: the vector pushed by the stub, then the interrupt frame.</summary>
    private static void EmitCommon(GuestProgramBuilder g, GuestVariables v, Action<GuestProgramBuilder, uint, AssemblerRegister64> report)
    {
        Assembler a = g.Asm;
        AssemblerRegister64[] saved = [rax, rbx, rcx, rdx, r10, r11, r12];
        foreach (var register in saved) a.push(register);
        int vectorSlot = saved.Length * 8;
        Label empty = a.CreateLabel(), reported = a.CreateLabel();

        a.mov(r12, __qword_ptr[v.AreaGpa]);
        a.mov(ebx, __dword_ptr[r12 + KvmVcpuPvApfData.TokenOffset]);
        a.test(ebx, ebx);
        a.jz(empty);
        a.mov(__dword_ptr[r12 + KvmVcpuPvApfData.TokenOffset], 0);
        a.mov(__dword_ptr[v.LastReadyToken], ebx);
        a.rdtsc();
        a.shl(rdx, 32);
        a.or(rax, rdx);
        a.mov(__qword_ptr[v.ReadyTsc], rax);
        a.inc(__dword_ptr[v.PageReadyCount]);
        g.Eoi();
        g.Wrmsr(KvmPvMsrs.AsyncPfAck, 1);
        a.inc(__dword_ptr[v.AckCount]);
        a.jmp(reported);

        a.Label(ref empty);
        g.Eoi();

        a.Label(ref reported);
        a.mov(rax, __qword_ptr[rsp + vectorSlot]);
        a.shl(rax, 32);
        a.or(rax, rbx);
        report(g, GuestReports.Interrupt, rax);

        foreach (var register in saved.Reverse()) a.pop(register);
        a.add(rsp, 8);
        a.iretq();
    }
}
