namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>Report kinds of the msr-protocol and async-pf guests (Report(kind, value) on the runtime's report ports).</summary>
public static class GuestReports
{
    /// <summary>Index of the MSR access that follows (msr-protocol).</summary>
    public const uint AccessIndex = 0x10;
    /// <summary>R11 after a safe RDMSR/WRMSR: 0 = no fault, else exception vector + 1.</summary>
    public const uint AccessFault = 0x11;
    /// <summary>The value a RDMSR returned.</summary>
    public const uint AccessValue = 0x12;
    /// <summary>Loop iterations a wait spent until a page-ready arrived (the bound when none came): a figure, never judged.</summary>
    public const uint WakeupWait = 0x13;
    /// <summary>At the end (msr-protocol): the token at offset 4 of the data area of the last accepted enabling write, if any.</summary>
    public const uint SlotToken = 0x14;

    /// <summary>An interrupt on vector 16-255: token at offset 4 (bits 31:0, 0 = slot was empty) | vector &lt;&lt; 32.</summary>
    public const uint Interrupt = 0x20;

    /// <summary>'page not present' #PF: CR2.</summary>
    public const uint NotPresentCr2 = 0x30;
    /// <summary>'page not present' #PF: flags read at offset 0 (bits 31:0) | error code &lt;&lt; 32.</summary>
    public const uint NotPresentFlags = 0x31;
    /// <summary>Spin iterations the #PF handler ran, interrupts on, until the page-ready for its token (a figure, never judged).</summary>
    public const uint NotPresentSpin = 0x32;
    /// <summary>TSC cycles from the #PF to the page-ready of its token.</summary>
    public const uint NotPresentCycles = 0x33;
    /// <summary>A #PF with flags = 0 (a genuine fault): CR2; the guest then stops.</summary>
    public const uint GenuinePageFault = 0x34;
    /// <summary>Deferred only: the #PF handler's TSC just before its page release, paired with that release's exit to place the deferred reports.</summary>
    public const uint ReleaseTsc = 0x36;
    /// <summary>How the #PF handler's wait ended: 1 = the page-ready for its token arrived, 0 = its hang guard ran out first.</summary>
    public const uint NotPresentWaitEnd = 0x35;

    /// <summary>Workload setup: R11 after WRMSR MSR_KVM_ASYNC_PF_INT.</summary>
    public const uint SetupIntFault = 0x40;
    /// <summary>Workload setup: R11 after WRMSR MSR_KVM_ASYNC_PF_EN.</summary>
    public const uint SetupEnFault = 0x41;

    /// <summary>The first quadword read from a touched page, in page order.</summary>
    public const uint PageValue = 0x50;
    /// <summary>Completed ACK writes.</summary>
    public const uint AckCount = 0x51;
    /// <summary>Page touches completed.</summary>
    public const uint TouchesDone = 0x52;
    /// <summary>TSC at the guest's first instruction and just before Done (for calibrating cycle counts).</summary>
    public const uint StartTsc = 0x53;
    public const uint EndTsc = 0x54;
    /// <summary>
    /// The TSC read just before this report (sent live at workload start and before a genuine #PF stops the guest):
    /// with <see cref="EndTsc"/>, the pairs of guest TSC and host exit time that place the deferred reports (<see cref="ReportLog"/>).
    /// </summary>
    public const uint ClockTsc = 0x55;

    /// <summary>Linux /init: ioperm(0xE0, 32) returned (the value: its result; the report itself proves the ports are open).</summary>
    public const uint InitStarted = 0x60;
    /// <summary>Linux /init: write() of its greeting to /dev/console returned this (bytes written, or -errno).</summary>
    public const uint ConsoleWritten = 0x61;
    /// <summary>Linux /init: mmap() of the workload buffer failed with this -errno; Done follows.</summary>
    public const uint WorkloadMapFailed = 0x62;
    /// <summary>Linux /init: pages of the workload buffer whose contents were wrong when read back after the eviction.</summary>
    public const uint WorkloadMismatches = 0x63;
    /// <summary>Linux /init: the first page index whose contents were wrong (sent only when there is one).</summary>
    public const uint WorkloadFirstMismatch = 0x64;
}
