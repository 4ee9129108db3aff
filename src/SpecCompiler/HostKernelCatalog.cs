using Vmspec.SpecCompiler.Hosts;

namespace Vmspec.SpecCompiler;

/// <summary>
/// The host kernels of a folder (the checked-in ones are specs/hosts/*.yaml): every *.yaml and *.yml
/// directly in it, compiled by <see cref="HostKernelCompiler"/>. Names are unique and, when the folder
/// holds any host kernel, exactly one says <c>default: true</c>. Data only: booting one is the lab's business.
/// </summary>
public sealed class HostKernelCatalog
{
    /// <summary>Where the checked-in host kernels live, relative to the repository root.</summary>
    public const string RepositoryDirectory = "specs/" + HostLanguage.HostsDirectory;

    /// <summary>Names another folder of host kernels for vmspec's --host (the lab image points it at the ones it carries).</summary>
    public const string DirectoryVariable = "VMSPEC_HOSTS";

    private HostKernelCatalog(string directory, IReadOnlyList<HostKernelSpec> hosts)
    {
        HostsDirectory = directory;
        Hosts = hosts;
        Default = hosts.SingleOrDefault(h => h.IsDefault);
    }

    /// <summary>The folder the catalog was loaded from, as given to <see cref="Load"/>.</summary>
    public string HostsDirectory { get; }

    /// <summary>The host kernels, sorted by name.</summary>
    public IReadOnlyList<HostKernelSpec> Hosts { get; }

    /// <summary>The one host kernel with <c>default: true</c>; null only when the folder holds none.</summary>
    public HostKernelSpec? Default { get; }

    public IEnumerable<string> Names => Hosts.Select(h => h.Name);

    /// <summary>
    /// Loads every host kernel directly in <paramref name="hostsDirectory"/>. Any error (of a file, two
    /// host kernels with one name, no default or several) leaves <see cref="HostKernelCatalogResult.Catalog"/> null.
    /// </summary>
    public static HostKernelCatalogResult Load(string hostsDirectory)
    {
        ArgumentNullException.ThrowIfNull(hostsDirectory);
        if (!Directory.Exists(hostsDirectory))
            return new HostKernelCatalogResult([new Diagnostic(new SourceLocation(hostsDirectory, 1, 1), "", "directory does not exist")], null);

        var diagnostics = new DiagnosticBag();
        var files = YamlFiles.In(hostsDirectory).ToArray();
        var hosts = new List<BoundHostKernel>();
        var byName = new Dictionary<string, BoundHostKernel>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (HostKernelCompiler.Compile(file, null, diagnostics) is not { } bound)
                continue;
            if (byName.TryGetValue(bound.Host.Name, out var first))
            {
                diagnostics.Add(bound.NameAt, "metadata.name",
                    $"host kernel '{bound.Host.Name}' is also defined by {first.NameAt.File}; names must be unique");
                continue;
            }
            byName.Add(bound.Host.Name, bound);
            hosts.Add(bound);
        }

        var defaults = hosts.Where(h => h.Host.IsDefault).ToArray();
        foreach (var extra in defaults.Skip(1))
        {
            diagnostics.Add(extra.DefaultAt!.Value, "default",
                $"host kernel '{extra.Host.Name}' says default: true, and so does '{defaults[0].Host.Name}' ({defaults[0].DefaultAt!.Value}); exactly one host kernel may be the default");
        }
        // A file that failed may be the one with the default: only a folder that compiled lacks one for sure.
        if (defaults.Length == 0 && hosts.Count > 0 && diagnostics.Count == 0)
        {
            diagnostics.Add(new SourceLocation(hostsDirectory, 1, 1), "default",
                $"none of the host kernels ({string.Join(", ", hosts.Select(h => h.Host.Name).Order(StringComparer.Ordinal))}) says default: true; exactly one must");
        }

        return diagnostics.Count > 0
            ? new HostKernelCatalogResult(diagnostics.ToSortedList(), null)
            : new HostKernelCatalogResult([], new HostKernelCatalog(hostsDirectory, hosts.Select(h => h.Host).OrderBy(h => h.Name, StringComparer.Ordinal).ToArray()));
    }

    /// <summary>
    /// A host kernel by the name of one of <see cref="Hosts"/>, or by the path of a host kernel file
    /// (anything ending in .yaml or .yml or holding a '/': see <see cref="IsPath"/>), which need not
    /// lie in this catalog's folder. An unknown name is an error listing the known ones.
    /// </summary>
    public HostKernelCompileResult Find(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (IsPath(nameOrPath))
            return HostKernelCompiler.Compile(nameOrPath);
        if (Hosts.FirstOrDefault(h => h.Name == nameOrPath) is { } host)
            return new HostKernelCompileResult([], host);
        var known = Hosts.Count == 0 ? "none" : string.Join(", ", Names);
        return new HostKernelCompileResult(
            [new Diagnostic(new SourceLocation(HostsDirectory, 1, 1), "",
                $"unknown host kernel '{nameOrPath}'; known host kernels: {known} (or give the path of a .yaml file of kind {HostLanguage.HostKind})")],
            null);
    }

    /// <summary>Whether <see cref="Find"/> takes <paramref name="nameOrPath"/> for a file: it ends in .yaml or .yml or holds a directory separator. No host kernel name does.</summary>
    public static bool IsPath(string nameOrPath) =>
        nameOrPath.EndsWith(".yaml", StringComparison.Ordinal) || nameOrPath.EndsWith(".yml", StringComparison.Ordinal)
        || nameOrPath.Contains('/', StringComparison.Ordinal) || nameOrPath.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
