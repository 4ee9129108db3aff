namespace Vmspec.SpecCompiler.Model;

/// <summary>
/// One compiled image definition: everything an image builder needs, fully resolved (defaults
/// applied, paths relative to the repository root with '/' separators, maps sorted by key).
/// Serialized canonically by <see cref="Plan.ImagePlanWriter"/>, read back by <see cref="Plan.ImagePlanReader"/>.
/// </summary>
/// <param name="SpecFiles">spec sources to install, sorted ordinally: the matched specs, the bases they extend and the
/// schema they reference; each goes to /opt/vmspec/&lt;path&gt; (every path starts with specs/)</param>
/// <param name="VmspecBinary">the NativeAOT binary to install at /usr/local/bin/vmspec (built later, so not hashed)</param>
/// <param name="LabHosts">the host kernels the image's lab carries, sorted by name (their files are among <paramref name="SpecFiles"/>); empty: no lab</param>
public sealed record ImagePlan(
    SpecInfo Metadata,
    string Tag,
    ImageBase Base,
    string VmspecBinary,
    IReadOnlyList<ImageFile> SpecFiles,
    IReadOnlyList<ImageLabHost> LabHosts,
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> Cmd,
    string User,
    string WorkingDir,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<KeyValuePair<string, string>> Annotations)
{
    /// <summary>Version of the image plan JSON format.</summary>
    public const string FormatVersion = "vmspec.dev/image-plan/v1";

    /// <summary>Where a lab image's host kernels are unpacked (one folder per kernel, as the lab's kernel cache lays them out).</summary>
    public const string LabKernelsInstallDirectory = "/opt/vmspec/lab-kernels";

    /// <summary>Where a lab image's host kernel definitions are (specs/hosts/ installed).</summary>
    public const string HostsInstallDirectory = "/opt/vmspec/specs/hosts";

    public string Name => Metadata.Name;

    /// <summary>Where a spec file (a <see cref="SpecFiles"/> path) lands in the image.</summary>
    public static string InstallPath(string specFile) => $"/opt/vmspec/{specFile}";
}

/// <summary>The Debian lock file (repository-relative, with the SHA-256 it had when compiled) and the names of the packages to take from it, sorted.</summary>
/// <param name="Keep">the paths and globs of the packages' files to keep (with the shared libraries they need), sorted; empty: every file</param>
public sealed record ImageBase(string DebianLock, string DebianLockSha256, IReadOnlyList<string> Packages, IReadOnlyList<string> Keep);

/// <summary>A host kernel a lab image carries: its name, its definition (repository-relative, in specs/hosts/) and its Debian package.</summary>
public sealed record ImageLabHost(string Name, string File, string Package, string Version, string Sha256);

/// <summary>A repository-relative file and the SHA-256 of its content when compiled.</summary>
public sealed record ImageFile(string Path, string Sha256);
