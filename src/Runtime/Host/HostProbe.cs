using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.Cpuid;

namespace Vmspec.Runtime.Host;

/// <summary>Finds out whether KVM is usable here, with an exact reason when it is not, and what it offers.</summary>
public static class HostProbe
{
    /// <summary>Capabilities reported, in this order.</summary>
    public static readonly KvmCap[] ReportedCapabilities =
    [
        KvmCap.AsyncPf, KvmCap.AsyncPfInt, KvmCap.EnforcePvFeatureCpuid, KvmCap.Irqchip, KvmCap.UserMemory,
        KvmCap.ExtCpuid, KvmCap.ImmediateExit, KvmCap.X2ApicApi, KvmCap.SyncRegs, KvmCap.NrVcpus, KvmCap.MaxVcpus,
        KvmCap.NrMemslots, KvmCap.X86UserSpaceMsr,
    ];

    public static HostReport Probe() => Probe(HostPaths.System);

    public static HostReport Probe(HostPaths paths)
    {
        string[] modules = KvmModules.Loaded(paths);
        KvmFlavour flavour = KvmModules.Detect(paths);

        KvmSystem system;
        try
        {
            system = KvmSystem.Open(paths.DevKvm);
        }
        catch (KvmException e)
        {
            return Unavailable(UnavailableReason(paths, modules, e), flavour, modules, paths);
        }
        using (system)
        {
            try
            {
                var caps = ReportedCapabilities.Select(c => KeyValuePair.Create(KvmCapNames.HeaderName(c), system.CheckExtension(c))).ToArray();
                var cpuid = new CpuidTable(system.GetSupportedCpuid());
                uint? eax = cpuid.Find(KvmPvFeatures.Leaf)?.Eax;
                return new HostReport(true, $"{paths.DevKvm} is usable", flavour, modules, system.GetApiVersion(), caps,
                    eax, eax is { } v ? KvmPvFeatures.Names(v) : [], KernelRelease.Read(paths.OsRelease));
            }
            catch (KvmException e)
            {
                return Unavailable($"{paths.DevKvm} opened but {e.Message}", flavour, modules, paths);
            }
        }
    }

    /// <summary>The module's last kernel-log line (e.g. "kvm-pvm: ... not binding"), quoted, or nothing.</summary>
    private static string KernelLogQuote(HostPaths paths, string[] modules)
    {
        string[] prefixes = modules.SelectMany(m => new[] { m + ":", m.Replace('_', '-') + ":" }).ToArray();
        string? line = KernelLog.ReadMessages(paths.KernelLog).LastOrDefault(l => prefixes.Any(l.StartsWith));
        return line is null ? "" : $"; kernel log: \"{line}\"";
    }

    private static HostReport Unavailable(string reason, KvmFlavour flavour, string[] modules, HostPaths paths) =>
        new(false, reason, flavour, modules, null, [], null, [], KernelRelease.Read(paths.OsRelease));

    private static string UnavailableReason(HostPaths paths, string[] modules, KvmException e)
    {
        string loaded = modules.Length == 0
            ? $"no KVM module is loaded ({string.Join(", ", KvmFlavours.Modules.Select(f => Path.Combine(paths.SysModule, KvmFlavours.Name(f))))} are absent)"
            : $"{string.Join(" and ", modules)} {(modules.Length == 1 ? "is" : "are")} loaded ({string.Join(", ", modules.Select(m => Path.Combine(paths.SysModule, m)))} exist{(modules.Length == 1 ? "s" : "")})";
        return e.Errno switch
        {
            ErrnoNames.ENOENT when modules.Length > 0 =>
                $"no {paths.DevKvm}: {loaded} but did not create it{KernelLogQuote(paths, modules)}",
            ErrnoNames.ENOENT => $"no {paths.DevKvm}: {loaded}",
            ErrnoNames.EACCES or ErrnoNames.EPERM =>
                $"permission denied opening {paths.DevKvm}: run as root or add the user to the group that owns it (usually 'kvm')",
            _ => $"cannot use {paths.DevKvm}: {e.Message}",
        };
    }
}
