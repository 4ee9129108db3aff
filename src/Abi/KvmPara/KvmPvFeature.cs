namespace Vmspec.Abi.KvmPara;

/// <summary>
/// The KVM paravirtual feature bits of CPUID leaf 0x40000001 EAX: KVM_FEATURE_* in
/// arch/x86/include/uapi/asm/kvm_para.h (Linux 6.9). Bit 8 is unused; bit 2 (MMU_OP) is obsolete but still named.
/// </summary>
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

/// <summary>
/// The one spelling of each <see cref="KvmPvFeature"/>: the kernel's KVM_FEATURE_ name in kebab case
/// (KVM_FEATURE_CLOCKSOURCE_STABLE_BIT is <c>clocksource-stable-bit</c>). <c>vmspec host</c> prints these
/// names and specs write them.
/// </summary>
public static class KvmPvFeatures
{
    /// <summary>KVM_CPUID_SIGNATURE: "KVMKVMKVM" in EBX, ECX, EDX.</summary>
    public const uint SignatureLeaf = 0x4000_0000;

    /// <summary>KVM_CPUID_FEATURES: the feature bits are in EAX.</summary>
    public const uint Leaf = 0x4000_0001;

    /// <summary>Every named feature with its name, in bit order.</summary>
    public static IReadOnlyList<KeyValuePair<string, KvmPvFeature>> All { get; } =
    [
        new("clocksource", KvmPvFeature.Clocksource),
        new("nop-io-delay", KvmPvFeature.NopIoDelay),
        new("mmu-op", KvmPvFeature.MmuOp),
        new("clocksource2", KvmPvFeature.Clocksource2),
        new("async-pf", KvmPvFeature.AsyncPf),
        new("steal-time", KvmPvFeature.StealTime),
        new("pv-eoi", KvmPvFeature.PvEoi),
        new("pv-unhalt", KvmPvFeature.PvUnhalt),
        new("pv-tlb-flush", KvmPvFeature.PvTlbFlush),
        new("async-pf-vmexit", KvmPvFeature.AsyncPfVmexit),
        new("pv-send-ipi", KvmPvFeature.PvSendIpi),
        new("poll-control", KvmPvFeature.PollControl),
        new("pv-sched-yield", KvmPvFeature.PvSchedYield),
        new("async-pf-int", KvmPvFeature.AsyncPfInt),
        new("msi-ext-dest-id", KvmPvFeature.MsiExtDestId),
        new("hc-map-gpa-range", KvmPvFeature.HcMapGpaRange),
        new("migration-control", KvmPvFeature.MigrationControl),
        new("clocksource-stable-bit", KvmPvFeature.ClocksourceStableBit),
    ];

    public static uint Mask(KvmPvFeature feature) => 1u << (int)feature;

    public static string Name(KvmPvFeature feature) =>
        All.FirstOrDefault(f => f.Value == feature).Key
        ?? throw new ArgumentOutOfRangeException(nameof(feature), feature, "unnamed KVM PV feature");

    public static bool TryParse(string name, out KvmPvFeature feature)
    {
        foreach (var (known, value) in All)
            if (known == name) { feature = value; return true; }
        feature = default;
        return false;
    }

    /// <summary>Names of the set bits of leaf 0x40000001 EAX, in bit order; bits no header names as "bit-N".</summary>
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
