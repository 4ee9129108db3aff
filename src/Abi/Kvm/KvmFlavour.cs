namespace Vmspec.Abi.Kvm;

/// <summary>Which KVM implementation a host has: the name of its vendor module under /sys/module.</summary>
public enum KvmFlavour
{
    Unknown,
    /// <summary>kvm_pvm: pagetable-based VM; CPL0 guest code is emulated, CPL3 runs natively.</summary>
    KvmPvm,
    KvmIntel,
    KvmAmd,
}

public static class KvmFlavours
{
    /// <summary>Probe order: kvm_pvm first, as it is the flavour whose results differ from hardware KVM.</summary>
    public static IReadOnlyList<KvmFlavour> Modules { get; } = [KvmFlavour.KvmPvm, KvmFlavour.KvmIntel, KvmFlavour.KvmAmd];

    /// <summary>The module name (kvm_pvm, kvm_intel, kvm_amd) or "unknown".</summary>
    public static string Name(KvmFlavour flavour) => flavour switch
    {
        KvmFlavour.KvmPvm => "kvm_pvm",
        KvmFlavour.KvmIntel => "kvm_intel",
        KvmFlavour.KvmAmd => "kvm_amd",
        _ => "unknown",
    };

    /// <summary>The flavour whose module name is <paramref name="name"/>, or null.</summary>
    public static KvmFlavour? Parse(string? name) => Modules.Where(f => Name(f) == name).Select(f => (KvmFlavour?)f).FirstOrDefault();

    /// <summary>kvm_pvm runs CPL0 guest code in KVM's instruction emulator; every other flavour is hardware virtualization.</summary>
    public static bool EmulatesCpl0(KvmFlavour flavour) => flavour == KvmFlavour.KvmPvm;
}
