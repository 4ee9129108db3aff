namespace Vmspec.Runtime.Host;

/// <summary>Which KVM vendor modules this host has loaded, from /sys/module.</summary>
public static class KvmModules
{
    /// <summary>The KVM modules loaded here (their /sys/module directories exist), in probe order.</summary>
    public static string[] Loaded(HostPaths paths) =>
        KvmFlavours.Modules.Where(f => Directory.Exists(Path.Combine(paths.SysModule, KvmFlavours.Name(f)))).Select(KvmFlavours.Name).ToArray();

    /// <summary>The flavour of this host's KVM: the first loaded module in probe order, else Unknown.</summary>
    public static KvmFlavour Detect(HostPaths paths)
    {
        string[] loaded = Loaded(paths);
        return KvmFlavours.Modules.FirstOrDefault(f => loaded.Contains(KvmFlavours.Name(f)), KvmFlavour.Unknown);
    }
}
