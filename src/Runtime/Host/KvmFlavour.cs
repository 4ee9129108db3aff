namespace Vmspec.Runtime.Host;

/// <summary>Which KVM implementation a host has, from /sys/module.</summary>
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
    /// <summary>The module name (kvm_pvm, kvm_intel, kvm_amd) or "unknown".</summary>
    public static string Name(KvmFlavour flavour) => flavour switch
    {
        KvmFlavour.KvmPvm => "kvm_pvm",
        KvmFlavour.KvmIntel => "kvm_intel",
        KvmFlavour.KvmAmd => "kvm_amd",
        _ => "unknown",
    };

    /// <summary>Probe order: kvm_pvm first, as it is the flavour whose results differ from hardware KVM.</summary>
    public static readonly KvmFlavour[] Modules = [KvmFlavour.KvmPvm, KvmFlavour.KvmIntel, KvmFlavour.KvmAmd];

    /// <summary>The KVM modules loaded here (their /sys/module directories exist), in probe order.</summary>
    public static string[] LoadedModules(HostPaths paths) =>
        Modules.Where(f => Directory.Exists(Path.Combine(paths.SysModule, Name(f)))).Select(Name).ToArray();

    /// <summary>The flavour of this host's KVM: the first loaded module in probe order, else Unknown.</summary>
    public static KvmFlavour Detect(HostPaths paths)
    {
        string[] loaded = LoadedModules(paths);
        return Modules.FirstOrDefault(f => loaded.Contains(Name(f)), KvmFlavour.Unknown);
    }
}
