namespace Vmspec.SpecCompiler.Language;

/// <summary>
/// The named KVM paravirtual features of CPUID leaf 0x40000001 EAX
/// (arch/x86/include/uapi/asm/kvm_para.h), by the names specs use.
/// </summary>
public static class KvmPvFeatures
{
    public const uint Leaf = 0x4000_0001;

    public static readonly IReadOnlyList<KeyValuePair<string, int>> Bits =
    [
        new("clocksource", 0),
        new("nop-io-delay", 1),
        new("clocksource2", 3),
        new("async-pf", 4),
        new("steal-time", 5),
        new("pv-eoi", 6),
        new("pv-unhalt", 7),
        new("pv-tlb-flush", 9),
        new("async-pf-vmexit", 10),
        new("pv-send-ipi", 11),
        new("poll-control", 12),
        new("pv-sched-yield", 13),
        new("async-pf-int", 14),
        new("msi-ext-dest-id", 15),
        new("hc-map-gpa-range", 16),
        new("migration-control", 17),
        new("clocksource-stable", 24),
    ];

    public static int? BitOf(string name) =>
        Bits.FirstOrDefault(b => b.Key == name) is { Key: not null } found ? found.Value : null;
}
