using System.Text;
using Iced.Intel;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Devices;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>
/// The /init vmspec generates for a Linux guest (a static executable, <see cref="StaticElf"/>). It opens the report
/// ports (ioperm), greets on /dev/console, and with a workload: maps a buffer, fills every page with
/// <see cref="WorkloadPattern"/>, asks the host to evict the pages (<see cref="ReportPorts.EvictWorkload"/>, the vCPU
/// stops there), then reads every page back at CPL3 — each read of an evicted page is a fault KVM may turn into an
/// async #PF — and reports the pages whose contents were wrong. Its exit status goes out on the Done port, never
/// through the console: 0 = all pages right, 1 = some wrong, 2 = the buffer could not be mapped.
/// </summary>
public static class WorkloadInit
{
    public const string Greeting = "vmspec-init: ok\n";
    public const uint StatusOk = 0, StatusMismatch = 1, StatusNoBuffer = 2;

    private const int SysWrite = 1, SysOpen = 2, SysMmap = 9, SysIoperm = 173;
    private const int OpenWriteOnly = 0x1, OpenNoControllingTty = 0x100;
    private const int ProtReadWrite = 0x3, MapPrivateAnonymous = 0x22;

    /// <param name="pages">Workload buffer pages; 0 = no workload (boot, greet, report Done).</param>
    public static byte[] Build(uint pages) => StaticElf.Build(address => Assemble(pages, address));

    private static byte[] Assemble(uint pages, ulong address)
    {
        var a = new Assembler(64);
        Label console = a.CreateLabel(), greeting = a.CreateLabel(), finish = a.CreateLabel();
        byte[] greetingBytes = Encoding.ASCII.GetBytes(Greeting);

        // A 4-byte OUT to port p needs ports p..p+3 in the I/O bitmap: Done (0xEF) reaches 0xF2.
        Syscall(a, SysIoperm, () =>
        {
            a.mov(edi, ReportPorts.Kind);
            a.mov(esi, 0x20);
            a.mov(edx, 1);
        });
        Report(a, GuestReports.InitStarted); // an OUT without the permission would kill init: the panic shows on the console
        Syscall(a, SysOpen, () =>
        {
            a.lea(rdi, __[console]);
            a.mov(esi, OpenWriteOnly | OpenNoControllingTty);
            a.xor(edx, edx);
        });
        a.mov(edi, eax);
        Syscall(a, SysWrite, () =>
        {
            a.lea(rsi, __[greeting]);
            a.mov(edx, greetingBytes.Length);
        });
        Report(a, GuestReports.ConsoleWritten);
        a.mov(ebx, StatusOk);
        if (pages > 0)
            Workload(a, pages, finish);
        a.Label(ref finish);
        a.mov(eax, ebx);
        a.@out((byte)ReportPorts.Done, eax);
        a.jmp(finish); // Done ends the run; never fall through
        a.Label(ref console);
        a.db([.. Encoding.ASCII.GetBytes("/dev/console"), 0]);
        a.Label(ref greeting);
        a.db(greetingBytes);

        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), address);
        return stream.ToArray();
    }

    /// <summary>r12 = buffer, r13 = pages, r15 = wrong pages, r14 = first wrong page; ebx = status on exit.</summary>
    private static void Workload(Assembler a, uint pages, Label finish)
    {
        Label mapped = a.CreateLabel();
        Syscall(a, SysMmap, () =>
        {
            a.xor(edi, edi);
            a.mov(rsi, (ulong)pages * WorkloadPattern.PageSize);
            a.mov(edx, ProtReadWrite);
            a.mov(r10d, MapPrivateAnonymous);
            a.mov(r8, -1L);
            a.xor(r9d, r9d);
        });
        a.cmp(rax, -4095);
        a.jb(mapped);
        Report(a, GuestReports.WorkloadMapFailed);
        a.mov(ebx, StatusNoBuffer);
        a.jmp(finish);
        a.Label(ref mapped);
        a.mov(r12, rax);
        a.mov(r13d, pages);

        ForEachQuadword(a, () => a.mov(__qword_ptr[rdi + rcx * 8], rax));
        a.mov(eax, pages);
        a.@out((byte)ReportPorts.EvictWorkload, eax); // the host evicts the pages before this OUT returns

        a.xor(r15d, r15d);
        a.mov(r14, -1L);
        ForEachQuadword(a, () =>
        {
            Label same = a.CreateLabel();
            a.cmp(__qword_ptr[rdi + rcx * 8], rax);
            a.je(same);
            a.inc(r15);
            a.cmp(r14, -1);
            a.cmove(r14, rsi);
            a.mov(ecx, WorkloadPattern.Quadwords); // one wrong quadword condemns the page: skip the rest of it
            a.Label(ref same);
        });
        a.mov(rax, r15);
        Report(a, GuestReports.WorkloadMismatches);
        a.mov(ebx, StatusOk);
        a.test(r15, r15);
        a.jz(finish);
        a.mov(rax, r14);
        Report(a, GuestReports.WorkloadFirstMismatch);
        a.mov(ebx, StatusMismatch);
        a.jmp(finish);
    }

    /// <summary>
    /// For page rsi in [0, r13) at rdi = r12 + rsi * 4096 and quadword rcx in [0, 512): rax = the pattern's value,
    /// then <paramref name="body"/> (which may set rcx to 512 to leave the page).
    /// </summary>
    private static void ForEachQuadword(Assembler a, Action body)
    {
        Label page = a.CreateLabel(), quadword = a.CreateLabel(), patterned = a.CreateLabel(), tag = a.CreateLabel();
        a.xor(esi, esi);
        a.Label(ref page);
        a.mov(rdi, rsi);
        a.shl(rdi, 12);
        a.add(rdi, r12);
        a.xor(ecx, ecx);
        a.Label(ref quadword);
        a.mov(rax, WorkloadPattern.Magic);
        a.test(ecx, ecx);
        a.jz(patterned);
        a.cmp(ecx, 1);
        a.je(tag);
        a.mov(rax, rsi);
        a.shl(rax, 32);
        a.or(rax, rcx);
        a.mov(rdx, WorkloadPattern.Multiplier);
        a.imul(rax, rdx);
        a.jmp(patterned);
        a.Label(ref tag);
        a.mov(rax, WorkloadPattern.IndexTag);
        a.or(rax, rsi);
        a.Label(ref patterned);
        body();
        a.inc(ecx);
        a.cmp(ecx, WorkloadPattern.Quadwords);
        a.jb(quadword);
        a.inc(rsi);
        a.cmp(rsi, r13);
        a.jb(page);
    }

    /// <summary>rax = syscall <paramref name="number"/> with the arguments <paramref name="arguments"/> loads.</summary>
    private static void Syscall(Assembler a, int number, Action arguments)
    {
        arguments();
        a.mov(eax, number);
        a.syscall();
    }

    /// <summary>Report(kind, rax) on the report ports; clobbers rax and rdx.</summary>
    private static void Report(Assembler a, uint kind)
    {
        a.mov(rdx, rax);
        a.mov(eax, kind);
        a.@out((byte)ReportPorts.Kind, eax);
        a.mov(eax, edx);
        a.@out((byte)ReportPorts.ValueLow, eax);
        a.mov(rax, rdx);
        a.shr(rax, 32);
        a.@out((byte)ReportPorts.ValueHigh, eax);
    }
}
