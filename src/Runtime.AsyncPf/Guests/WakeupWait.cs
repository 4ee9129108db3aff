using Vmspec.Abi.KvmPara;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>
/// A wait: interrupts on; spin until a page-ready has arrived (the page-ready counter moved) and the slot (token at
/// offset 4 of the recorded data area) is empty again, or the bound runs out; interrupts off; report the iterations.
/// The slot condition keeps interrupts on while a page-ready the handler's ACK rescan wrote is still to come, so a
/// chain of page-readies ends inside one wait however late the host injects. Clobbers RAX, RCX, R14.
/// Why the bound decides nothing: whatever a wait can see is in the LAPIC's IRR before interrupts go on, or is put
/// there by the handler's ACK. KVM dequeues a wakeup-all before the VM entry that follows the enabling WRMSR
/// (KVM_REQ_APF_READY, arch/x86/kvm/x86.c:10446-10447) and the ACK's rescan runs inside the handler's WRMSR
/// (x86.c:3590-3593); raising the vector requests KVM_REQ_EVENT (arch/x86/kvm/svm/svm.c:3830-3834), and every entry
/// with it injects the vector or opens an interrupt window that exits as soon as IF=1 (x86.c:10463-10476,
/// 10010-10025; svm.c:3333-3335). So an injectable page-ready arrives on the first entry after STI's shadow or the
/// handler's IRET: at once on hardware KVM, after the emulator's run of CPL0 instructions on kvm_pvm (a few hundred
/// iterations). The bound is far beyond both; the iteration count is a figure shown with the verdict, never part of it.
/// </summary>
internal static class WakeupWait
{
    public const int Bound = 20_000;

    public static void Emit(GuestProgramBuilder g, GuestVariables v)
    {
        var a = g.Asm;
        Iced.Intel.Label loop = a.CreateLabel(), pending = a.CreateLabel(), done = a.CreateLabel();
        a.mov(r14d, __dword_ptr[v.PageReadyCount]);
        a.xor(ecx, ecx);
        a.sti();
        a.Label(ref loop);
        a.inc(ecx);
        a.cmp(__dword_ptr[v.PageReadyCount], r14d);
        a.je(pending);
        a.mov(rax, __qword_ptr[v.AreaGpa]);
        a.test(rax, rax);
        a.jz(done);
        a.cmp(__dword_ptr[rax + KvmVcpuPvApfData.TokenOffset], 0);
        a.je(done);
        a.Label(ref pending);
        a.cmp(ecx, Bound);
        a.jb(loop);
        a.Label(ref done);
        a.cli();
        g.ReportRegister(GuestReports.WakeupWait, rcx);
    }
}
