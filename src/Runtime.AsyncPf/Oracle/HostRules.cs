namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>
/// The host's async #PF rules. Line numbers are those of Linux v6.12.117 (arch/x86/kvm/x86.c unless
/// named; read in Debian's linux-source-6.12 6.12.117-1~deb12u1); mainline (~6.18) differs only in how host-initiated access to a gated MSR fails, which
/// the oracle does not predict.
/// </summary>
public static class HostRules
{
    private const string X86 = "arch/x86/kvm/x86.c";
    private const string Lapic = "arch/x86/kvm/lapic.c";
    private const string AsyncPf = "virt/kvm/async_pf.c";

    public static readonly HostRule EnforcementOffAllowsAll = new("pv-enforce-off",
        "without KVM_CAP_ENFORCE_PV_FEATURE_CPUID every PV MSR is accessible whatever CPUID says",
        "arch/x86/kvm/cpuid.h:217-218 guest_pv_has; api.rst:8638-8641");

    public static readonly HostRule EnableGatedByAsyncPf = new("en-gate",
        "RDMSR/WRMSR of MSR_KVM_ASYNC_PF_EN needs KVM_FEATURE_ASYNC_PF when enforced, else #GP",
        $"{X86}:3573-3575 (write), {X86}:3946-3948 (read); cpuid.rst:55-56");

    public static readonly HostRule IntGatedByAsyncPfInt = new("int-gate",
        "RDMSR/WRMSR of MSR_KVM_ASYNC_PF_INT needs KVM_FEATURE_ASYNC_PF_INT when enforced, else #GP",
        $"{X86}:3580-3582 (write), {X86}:3952-3954 (read); msr.rst:364-365");

    public static readonly HostRule AckGatedByAsyncPfInt = new("ack-gate",
        "RDMSR/WRMSR of MSR_KVM_ASYNC_PF_ACK needs KVM_FEATURE_ASYNC_PF_INT when enforced, else #GP",
        $"{X86}:3587-3589 (write), {X86}:3958-3960 (read); msr.rst:376-377");

    public static readonly HostRule EnReservedBits = new("en-reserved",
        "a write to MSR_KVM_ASYNC_PF_EN with bit 4 or 5 set is refused (#GP)",
        $"{X86}:3136-3138; msr.rst:209");

    public static readonly HostRule EnVmexitNeedsFeature = new("en-vmexit-feature",
        "DELIVERY_AS_PF_VMEXIT (bit 2) needs KVM_FEATURE_ASYNC_PF_VMEXIT when enforced, else #GP",
        $"{X86}:3140-3142; msr.rst:212-213");

    public static readonly HostRule EnIntNeedsFeature = new("en-int-feature",
        "DELIVERY_AS_INT (bit 3) needs KVM_FEATURE_ASYNC_PF_INT when enforced, else #GP",
        $"{X86}:3144-3146; msr.rst:214-216");

    public static readonly HostRule EnNeedsInKernelLapic = new("en-lapic",
        "without an in-kernel LAPIC a non-zero MSR_KVM_ASYNC_PF_EN is refused (#GP); 0 is a no-op",
        $"{X86}:3148-3149");

    public static readonly HostRule EnStoredBeforeMemoryCheck = new("en-stored",
        "the written value is stored (and read back) before the data area is checked",
        $"{X86}:3151, {X86}:3950");

    public static readonly HostRule EnEnabledNeedsIntDelivery = new("en-enabled-mask",
        "async #PF counts as enabled only with ENABLED and DELIVERY_AS_INT both set; otherwise the write is accepted and nothing is delivered",
        "arch/x86/kvm/x86.h:618-623; msr.rst:248-250");

    public static readonly HostRule EnDataMustBeWritableRam = new("en-memslot",
        "when enabling, the data area GPA (bits 63:6) must be backed by a writable memslot (8 bytes checked), else #GP",
        $"{X86}:3159-3161; virt/kvm/kvm_main.c:3503-3508; msr.rst:195-196");

    public static readonly HostRule EnQueuesWakeupAll = new("en-wakeup-all",
        "a successful enabling write queues a 'wakeup all' page-ready with token 0xffffffff and asks for a rescan before the next VM entry",
        $"{X86}:3166, {X86}:12698-12699, {X86}:12715-12717; {AsyncPf}:216-241");

    public static readonly HostRule WakeupAllOnlyOnEmptyQueue = new("wakeup-all-single",
        "an enabling write queues no 'wakeup all' while the done list is not empty, i.e. while an earlier one still waits for the slot",
        $"{AsyncPf}:221-222");

    public static readonly HostRule DisableDropsQueue = new("en-disable-drops",
        "a write that leaves async #PF disabled drops every page-ready still queued; one already written to offset 4 and set in the IRR stays and is injected",
        $"{X86}:3153-3157; {AsyncPf}:120-151; msr.rst:252-253");

    public static readonly HostRule PageReadyWaitsForFreeSlot = new("ready-slot-free",
        "a queued page-ready is dequeued (token written, vector raised) only while the token at offset 4 is 0; otherwise it stays queued",
        $"{X86}:12603-12613, {X86}:12722-12728; {AsyncPf}:157-158");

    public static readonly HostRule QueueRescans = new("ready-rescan",
        "the queue is rescanned only by a write of MSR_KVM_ASYNC_PF_ACK with bit 0 set and on KVM_REQ_APF_READY, handled before the next VM entry "
        + "and raised by a wakeup-all queued on an empty done list (or by enabling the LAPIC or paging, which these guests do before any access)",
        $"{X86}:3590-3593, {X86}:10446-10447; {AsyncPf}:153-173, {AsyncPf}:236-237; {Lapic}:513-517, {Lapic}:2657-2658; arch/x86/kvm/regs.c:252-253");

    public static readonly HostRule VectorBelowSixteenNeverInjected = new("ready-vector-class",
        "the page-ready vector is set in the IRR whatever its value, but the LAPIC injects a vector only when its priority class (bits 7:4) exceeds the PPR (0 here): "
        + "vectors 0-15 stay in the IRR and the token stays at offset 4 (msr.rst says vector 0 'can get injected'; it cannot), vectors 16-255 are injected",
        $"{X86}:12704-12708; {Lapic}:1330-1355, {Lapic}:956-966, {Lapic}:968-988; msr.rst:243-245");

    public static readonly HostRule InjectedOnceInterruptsOn = new("ready-injected",
        "a vector in the IRR above the PPR is injected on the first VM entry where the guest can take it (IF=1 past STI's shadow, or after IRET): "
        + "raising it requests KVM_REQ_EVENT, and every entry with that request injects it or opens an interrupt window that exits as soon as IF=1 "
        + "(on kvm_pvm, whose emulator runs CPL0 code, the entry comes at the end of the emulator's run of instructions)",
        $"arch/x86/kvm/svm/svm.c:3830-3834, arch/x86/kvm/svm/svm.c:3333-3335; {X86}:10463-10476, {X86}:10010-10025");

    public static readonly HostRule X2ApicIrrRead = new("x2apic-irr",
        "in x2APIC mode RDMSR 0x820+n returns bits 32n+31:32n of the IRR as KVM holds it, vectors 0-15 included",
        $"{Lapic}:3378-3386, {Lapic}:3333-3347, {Lapic}:1646");

    public static readonly HostRule IntReservedBits = new("int-reserved",
        "a write to MSR_KVM_ASYNC_PF_INT with any of bits 63:8 set is refused (#GP)",
        $"{X86}:3173-3175; msr.rst:359-360");

    public static readonly HostRule IntNeedsInKernelLapic = new("int-lapic",
        "without an in-kernel LAPIC every write to MSR_KVM_ASYNC_PF_INT is refused (#GP)",
        $"{X86}:3177-3178");

    public static readonly HostRule IntStoredAsWritten = new("int-stored",
        "MSR_KVM_ASYNC_PF_INT reads back as written; any vector 0-255 is accepted",
        $"{X86}:3180-3182, {X86}:3956");

    public static readonly HostRule AckAcceptsAnyValue = new("ack-any",
        "every write to MSR_KVM_ASYNC_PF_ACK is accepted; only bit 0 rescans the queue",
        $"{X86}:3590-3593; msr.rst:373-376");

    public static readonly HostRule AckReadsZero = new("ack-read",
        "RDMSR of MSR_KVM_ASYNC_PF_ACK always returns 0",
        $"{X86}:3962");

    public static readonly HostRule NotPresentNeedsCpl3OrSendAlways = new("deliver-cpl",
        "'page not present' is not delivered at CPL0 unless SEND_ALWAYS (bit 1) is set",
        $"{X86}:12621-12623; msr.rst:211-212");

    public static readonly HostRule AsyncFaultNeedsInterruptsAllowed = new("deliver-if",
        "with IF=0 KVM does not even start an async #PF: the access waits for the page",
        $"{X86}:12651-12655");

    public static readonly HostRule NotPresentWritesFlagsAndCr2 = new("not-present",
        "'page not present': flags=1 at offset 0, then #PF with error code 0 and CR2 = token",
        $"{X86}:12587-12593, {X86}:12666-12675; msr.rst:218-228");

    public static readonly HostRule PageReadyWritesTokenAndRaisesVector = new("page-ready",
        "'page ready': the token at offset 4, then the MSR_KVM_ASYNC_PF_INT vector through the LAPIC, only while offset 4 is 0",
        $"{X86}:12595-12613, {X86}:12690-12713; msr.rst:234-241");

    public static readonly HostRule HostWritesOnlyFirstEightBytes = new("abi-64",
        "the host writes only flags (0-3) and token (4-7) of the 64-byte area; bytes 8-63 and the old 'enabled' at 64-67 are never touched",
        $"{X86}:12587-12601 (the only writers); arch/x86/include/uapi/asm/kvm_para.h:137-145");

    public static readonly HostRule PvmEmulatesCpl0 = new("pvm-cpl0",
        "kvm_pvm runs CPL0 guest code in the instruction emulator, whose faults are synchronous: no async #PF at CPL0 even with SEND_ALWAYS",
        "shared/reference/kvm-host-notes.md ('Real async #PF works here, from CPL3')");
}
