namespace Vmspec.Runtime.Running;

/// <summary>vCPU state at a failure verdict: registers, control registers and the code at RIP.</summary>
public sealed record FailureSnapshot(KvmRegs Regs, ulong Cr0, ulong Cr2, ulong Cr3, ulong Cr4, ulong Efer, ushort CsSelector, IReadOnlyList<string> Disassembly)
{
    public int Cpl => CsSelector & 3;

    public string Format()
    {
        var r = Regs;
        var lines = new List<string>
        {
            $"RIP={r.Rip:x16} RFLAGS={r.Rflags:x16} CS={CsSelector:x4} (CPL{Cpl})",
            $"RAX={r.Rax:x16} RBX={r.Rbx:x16} RCX={r.Rcx:x16} RDX={r.Rdx:x16}",
            $"RSI={r.Rsi:x16} RDI={r.Rdi:x16} RSP={r.Rsp:x16} RBP={r.Rbp:x16}",
            $"R8 ={r.R8:x16} R9 ={r.R9:x16} R10={r.R10:x16} R11={r.R11:x16}",
            $"R12={r.R12:x16} R13={r.R13:x16} R14={r.R14:x16} R15={r.R15:x16}",
            $"CR0={Cr0:x16} CR2={Cr2:x16} CR3={Cr3:x16} CR4={Cr4:x16} EFER={Efer:x16}",
        };
        lines.AddRange(Disassembly);
        return string.Join('\n', lines);
    }
}
