namespace Vmspec.Runtime.Cpuid;

/// <summary>KVM paravirtual feature bits of CPUID leaf 0x40000001 EAX (asm/kvm_para.h).</summary>
public enum KvmPvFeature
{
    Clocksource = 0,
    NopIoDelay = 1,
    MmuOp = 2,
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

public static class KvmPvFeatures
{
    public const uint Leaf = 0x4000_0001;
    public const uint SignatureLeaf = 0x4000_0000;

    public static uint Mask(KvmPvFeature feature) => 1u << (int)feature;

    /// <summary>The kebab-case name used in reports and specs, e.g. async-pf-int.</summary>
    public static string Name(KvmPvFeature feature) => feature switch
    {
        KvmPvFeature.Clocksource => "clocksource",
        KvmPvFeature.NopIoDelay => "nop-io-delay",
        KvmPvFeature.MmuOp => "mmu-op",
        KvmPvFeature.Clocksource2 => "clocksource2",
        KvmPvFeature.AsyncPf => "async-pf",
        KvmPvFeature.StealTime => "steal-time",
        KvmPvFeature.PvEoi => "pv-eoi",
        KvmPvFeature.PvUnhalt => "pv-unhalt",
        KvmPvFeature.PvTlbFlush => "pv-tlb-flush",
        KvmPvFeature.AsyncPfVmexit => "async-pf-vmexit",
        KvmPvFeature.PvSendIpi => "pv-send-ipi",
        KvmPvFeature.PollControl => "poll-control",
        KvmPvFeature.PvSchedYield => "pv-sched-yield",
        KvmPvFeature.AsyncPfInt => "async-pf-int",
        KvmPvFeature.MsiExtDestId => "msi-ext-dest-id",
        KvmPvFeature.HcMapGpaRange => "hc-map-gpa-range",
        KvmPvFeature.MigrationControl => "migration-control",
        KvmPvFeature.ClocksourceStableBit => "clocksource-stable-bit",
        _ => throw new ArgumentOutOfRangeException(nameof(feature), feature, "unnamed KVM PV feature"),
    };

    public static bool TryParse(string name, out KvmPvFeature feature)
    {
        foreach (var f in Enum.GetValues<KvmPvFeature>())
            if (Name(f) == name) { feature = f; return true; }
        feature = default;
        return false;
    }

    /// <summary>Names of the set bits of leaf 0x40000001 EAX, in bit order; unnamed bits as "bit-N".</summary>
    public static IReadOnlyList<string> Names(uint eax)
    {
        var names = new List<string>();
        for (int bit = 0; bit < 32; bit++)
        {
            if ((eax & (1u << bit)) == 0) continue;
            names.Add(Enum.IsDefined((KvmPvFeature)bit) ? Name((KvmPvFeature)bit) : $"bit-{bit}");
        }
        return names;
    }
}
