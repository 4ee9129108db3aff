namespace Vmspec.Runtime.AsyncPf.Protocol;

/// <summary>Bit numbers of KVM's paravirtual feature leaf 0x40000001 EAX (Documentation/virt/kvm/x86/cpuid.rst).</summary>
public enum KvmPvFeature
{
    Clocksource = 0,
    NopIoDelay = 1,
    Clocksource2 = 3,
    AsyncPf = 4,
    StealTime = 5,
    PvEoi = 6,
    PvUnhalt = 7,
    PvTlbFlush = 9,
    AsyncPfVmexit = 10,
    PvSendIpi = 11,
    PollControl = 12,
    PvSchedYield = 13,
    AsyncPfInt = 14,
    MsiExtDestId = 15,
    HcMapGpaRange = 16,
    MigrationControl = 17,
    ClocksourceStableBit = 24,
}
