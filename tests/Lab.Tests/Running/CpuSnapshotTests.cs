using Vmspec.Lab.Running;

namespace Vmspec.Lab.Tests.Running;

public sealed class CpuSnapshotTests
{
    // QEMU 7.2's "info registers" and "info lapic" of a CPU halted in its firmware (QEMU 10 prints the same lines).
    private const string Registers = """
        CPU#0
        EAX=00000000 EBX=000cffd4 ECX=00000000 EDX=00000511
        EIP=000f01e1 EFL=00000006 [-----P-] CPL=0 II=0 A20=1 SMM=0 HLT=1
        CR0=00000011 CR2=00000000 CR3=00000000 CR4=00000000

        """;

    private const string Lapic = "dumping local APIC state for CPU 0 \n\nLVT0\t 0x00010000 active-hi edge  masked   Fixed  (vec 0)\n"
        + "LVTT\t 0x000000ec active-hi edge                 one-shot     Fixed  (vec 236)\n"
        + "Timer\t DCR=0x0 (divide by 2) initial_count = 0 current_count = 0\nSPIV\t 0x000001ff APIC enabled\n"
        + "ISR\t (none)\nIRR\t 236\n\nAPR 0x00 TPR 0x00 DFR 0x0f LDR 0x01 PPR 0x00\n";

    [Fact]
    public void Keeps_the_instruction_pointer_line_and_the_APIC_timer_and_interrupt_lines_on_one_line()
    {
        Assert.Equal("EIP=000f01e1 EFL=00000006 [-----P-] CPL=0 II=0 A20=1 SMM=0 HLT=1 | LVTT 0x000000ec active-hi edge one-shot Fixed (vec 236)"
            + " | Timer DCR=0x0 (divide by 2) initial_count = 0 current_count = 0 | ISR (none) | IRR 236 | APR 0x00 TPR 0x00 DFR 0x0f LDR 0x01 PPR 0x00",
            CpuSnapshot.Summarize([Registers, Lapic]));
    }

    [Fact]
    public async Task A_monitor_that_is_not_there_is_reported_not_thrown()
    {
        Assert.StartsWith("its CPU state is unknown: QEMU's monitor failed: ", await CpuSnapshot.TakeAsync("/nonexistent/qmp.sock"));
    }
}
