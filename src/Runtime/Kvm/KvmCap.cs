namespace Vmspec.Runtime.Kvm;

/// <summary>KVM_CAP_* numbers from linux/kvm.h (only those vmspec asks about).</summary>
public enum KvmCap : uint
{
    Irqchip = 0,
    Hlt = 1,
    UserMemory = 3,
    SetTssAddr = 4,
    ExtCpuid = 7,
    NrVcpus = 9,
    NrMemslots = 10,
    MpState = 14,
    AsyncPf = 59,
    MaxVcpus = 66,
    SyncRegs = 74,
    X2ApicApi = 129,
    ImmediateExit = 136,
    GetMsrFeatures = 153,
    AsyncPfInt = 183,
    X86UserSpaceMsr = 188,
    EnforcePvFeatureCpuid = 190,
}

public static class KvmCapNames
{
    /// <summary>The header's name without the KVM_CAP_ prefix, e.g. ASYNC_PF_INT.</summary>
    public static string HeaderName(KvmCap cap) => cap switch
    {
        KvmCap.Irqchip => "IRQCHIP",
        KvmCap.Hlt => "HLT",
        KvmCap.UserMemory => "USER_MEMORY",
        KvmCap.SetTssAddr => "SET_TSS_ADDR",
        KvmCap.ExtCpuid => "EXT_CPUID",
        KvmCap.NrVcpus => "NR_VCPUS",
        KvmCap.NrMemslots => "NR_MEMSLOTS",
        KvmCap.MpState => "MP_STATE",
        KvmCap.AsyncPf => "ASYNC_PF",
        KvmCap.MaxVcpus => "MAX_VCPUS",
        KvmCap.SyncRegs => "SYNC_REGS",
        KvmCap.X2ApicApi => "X2APIC_API",
        KvmCap.ImmediateExit => "IMMEDIATE_EXIT",
        KvmCap.GetMsrFeatures => "GET_MSR_FEATURES",
        KvmCap.AsyncPfInt => "ASYNC_PF_INT",
        KvmCap.X86UserSpaceMsr => "X86_USER_SPACE_MSR",
        KvmCap.EnforcePvFeatureCpuid => "ENFORCE_PV_FEATURE_CPUID",
        _ => throw new ArgumentOutOfRangeException(nameof(cap), cap, "unnamed capability"),
    };
}
