using Vmspec.SpecCompiler.Model;

namespace Vmspec.Cli.Verification;

/// <summary>A host that verify runs the cases on: this machine's /dev/kvm (<see cref="Lab"/> null) or a host kernel in the lab.</summary>
internal sealed record VerifyHost(string Name, HostKernelSpec? Lab)
{
    public static readonly VerifyHost Native = new(HostInfo.NativeName, null);

    public bool IsNative => Lab is null;
}

/// <summary>An unusable <c>--host</c>: the message says what was wrong and what would be right.</summary>
internal sealed class HostSelectionException(string message) : Exception(message);

/// <summary>
/// <c>--host native|all|NAME[,NAME...]</c>: the hosts to verify on, in name order, each once. <c>native</c> is this
/// machine's /dev/kvm; <c>all</c> every host kernel of the catalog; a NAME one host kernel of the catalog, or the path of a
/// HostKernel .yaml file. Without <c>--host</c>: native when /dev/kvm is usable here, else the catalog's default host
/// kernel in the lab (native still, with KVM's reason, when the lab cannot run here).
/// </summary>
internal static class HostSelection
{
    public const string All = "all";

    /// <param name="catalog">loads the host kernel catalog; called only when a name or <c>all</c> needs it</param>
    public static IReadOnlyList<VerifyHost> Parse(string text, Func<HostKernelCatalog> catalog)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(i => i.Length == 0))
            throw new HostSelectionException($"--host '{text}': empty host name; expected native, all, or host kernel names separated by commas");
        var hosts = new List<VerifyHost>();
        HostKernelCatalog? loaded = null;
        HostKernelCatalog Catalog() => loaded ??= catalog();
        foreach (var item in items)
        {
            if (item == HostInfo.NativeName)
                hosts.Add(VerifyHost.Native);
            else if (item == All)
                hosts.AddRange(Catalog().Hosts.Select(h => new VerifyHost(h.Name, h)));
            else if (HostKernelCatalog.IsPath(item))
                hosts.Add(FromFile(item));
            else
                hosts.Add(Catalog().Hosts.FirstOrDefault(h => h.Name == item) is { } spec
                    ? new VerifyHost(spec.Name, spec)
                    : throw new HostSelectionException($"--host {item}: unknown host kernel; known host kernels: "
                        + (Catalog().Hosts.Count == 0 ? "none" : string.Join(", ", Catalog().Names))
                        + $" (in {Catalog().HostsDirectory}); or {HostInfo.NativeName}, {All}, or the path of a HostKernel .yaml file"));
        }
        return Distinct(hosts);
    }

    /// <summary>Without --host: native when KVM is usable here, else the default host kernel, with the reason to print.</summary>
    /// <param name="labUnavailable">null when the lab can run here (QEMU, a static busybox), else why not</param>
    public static (IReadOnlyList<VerifyHost> Hosts, string Why) Default(bool kvmUsable, string kvmReason, Func<HostKernelCatalog> catalog,
        Func<string?> labUnavailable)
    {
        if (kvmUsable)
            return ([VerifyHost.Native], $"{kvmReason}; --host NAME|all runs in the lab instead");
        string? why;
        HostKernelSpec? host = null;
        try
        {
            host = catalog().Default;
            why = host is null ? "the host kernel catalog declares no default" : labUnavailable();
        }
        catch (LabException e)
        {
            why = e.Message;
        }
        return why is null
            ? ([new VerifyHost(host!.Name, host)], $"KVM is not usable here ({kvmReason}): running in the lab on the default host kernel {host!.Name}; --host native runs here anyway")
            : ([VerifyHost.Native], $"KVM is not usable here ({kvmReason}) and the lab cannot run: {why}; every case will be skipped");
    }

    private static VerifyHost FromFile(string path)
    {
        var compiled = HostKernelCompiler.Compile(path);
        return compiled.Host is { } spec
            ? new VerifyHost(spec.Name, spec)
            : throw new HostSelectionException($"--host {path}:\n" + string.Join('\n', compiled.Diagnostics.Select(d => d.ToString())));
    }

    /// <summary>A host named twice runs once; two different host kernels with one name are an error, as are names that are taken.</summary>
    private static List<VerifyHost> Distinct(List<VerifyHost> hosts)
    {
        var byName = new Dictionary<string, VerifyHost>(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            if (!byName.TryGetValue(host.Name, out var first))
            {
                if (host.Lab is not null && host.Name is HostInfo.NativeName or All)
                    throw new HostSelectionException($"--host: the host kernel {host.Lab.SourcePath} is named '{host.Name}', which --host reserves");
                byName.Add(host.Name, host);
            }
            else if (Source(first) != Source(host))
            {
                throw new HostSelectionException($"--host: two host kernels are named '{host.Name}': {Source(first)} and {Source(host)}");
            }
        }
        return byName.Values.OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
    }

    private static string Source(VerifyHost host) => host.Lab is { } spec ? Path.GetFullPath(spec.SourcePath) : HostInfo.NativeName;
}
