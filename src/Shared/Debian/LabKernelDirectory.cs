namespace Vmspec.Shared.Debian;

/// <summary>
/// Where the lab keeps host kernels unpacked from their Debian packages (one folder per package version): $VMSPEC_LAB_KERNELS,
/// else lab/ in the .deb cache. The lab image sets the variable to the read-only folder it carries its kernels in.
/// </summary>
public static class LabKernelDirectory
{
    public const string EnvironmentVariable = "VMSPEC_LAB_KERNELS";

    public static string Current => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable), DebCache.DefaultDirectory);

    internal static string Resolve(string? variable, string debCache) =>
        variable is { Length: > 0 } ? variable : Path.Combine(debCache, "lab");

    /// <summary>The folder of one package version: NAME_VERSION, an epoch's ':' as '%'.</summary>
    public static string FolderName(string package, string version) => $"{package}_{version.Replace(':', '%')}";
}
