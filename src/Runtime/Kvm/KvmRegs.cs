using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct kvm_regs (asm/kvm.h): general-purpose registers, RIP and RFLAGS.</summary>
[StructLayout(LayoutKind.Sequential, Size = 144)]
public struct KvmRegs
{
    public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rsp, Rbp;
    public ulong R8, R9, R10, R11, R12, R13, R14, R15;
    public ulong Rip, Rflags;
}
