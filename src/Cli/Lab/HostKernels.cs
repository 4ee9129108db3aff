using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Debian;
using Vmspec.Lab.Kernels;
using Vmspec.SpecCompiler.Model;

namespace Vmspec.Cli.Lab;

/// <summary>The host kernels of specs/hosts (or $VMSPEC_HOSTS), turned into kernels the lab can boot.</summary>
internal static class HostKernels
{
    public const string DirectoryVariable = HostKernelCatalog.DirectoryVariable;

    public static string Directory =>
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir ? dir : HostKernelCatalog.RepositoryDirectory;

    /// <summary>The catalog, or a <see cref="LabException"/> carrying every diagnostic.</summary>
    public static HostKernelCatalog LoadCatalog()
    {
        var loaded = HostKernelCatalog.Load(Directory);
        if (loaded.Catalog is { } catalog)
            return catalog;
        throw new LabException($"cannot load the host kernels in {Directory} (run from the repository root or set {DirectoryVariable}):\n"
            + string.Join('\n', loaded.Diagnostics.Select(d => d.ToString())));
    }

    /// <summary>A host kernel by name or file; null means the catalog's default.</summary>
    public static HostKernelSpec Find(string? nameOrPath)
    {
        if (nameOrPath is not null && HostKernelCatalog.IsPath(nameOrPath))
            return Unwrap(HostKernelCompiler.Compile(nameOrPath));
        var catalog = LoadCatalog();
        if (nameOrPath is null)
            return catalog.Default ?? throw new LabException($"{Directory} declares no default host kernel");
        return Unwrap(catalog.Find(nameOrPath));
    }

    /// <summary>Fetches, verifies and unpacks a Debian host kernel, or checks a local build's paths.</summary>
    public static Task<LabKernel> PrepareAsync(HostKernelSpec host, Action<string>? progress, CancellationToken cancellationToken) =>
        host.Source switch
        {
            DebianHostKernel debian => DebianLabKernels.PrepareAsync(host.Name, Package(host.Name, debian), progress: progress, cancellationToken: cancellationToken),
            LocalHostKernel local => Task.FromResult(new LabKernel(host.Name, local.BzImagePath, local.ModulesPath).Validate()),
            var other => throw new LabException($"host kernel {host.Name}: unsupported source {other.GetType().Name}"),
        };

    public static DebianKernelPackage Package(string host, DebianHostKernel debian)
    {
        try
        {
            return new DebianKernelPackage(debian.Package, debian.Version, debian.Sha256);
        }
        catch (KernelImageException e)
        {
            throw new LabException($"host kernel {host}: {e.Message}", e);
        }
    }

    private static HostKernelSpec Unwrap(HostKernelCompileResult result) =>
        result.Host ?? throw new LabException(string.Join('\n', result.Diagnostics.Select(d => d.ToString())));
}
