namespace Vmspec.SpecCompiler.Model;

/// <summary>
/// One compiled image definition: everything an image builder needs, fully resolved (defaults
/// applied, paths relative to the repository root with '/' separators, maps sorted by key).
/// Serialized canonically by <see cref="Plan.ImagePlanWriter"/>, read back by <see cref="Plan.ImagePlanReader"/>.
/// </summary>
/// <param name="SpecFiles">spec sources to install, sorted ordinally: the matched specs, the bases they extend and the
/// schema they reference; each goes to /opt/vmspec/&lt;path&gt; (every path starts with specs/)</param>
/// <param name="VmspecBinary">the NativeAOT binary to install at /usr/local/bin/vmspec (built later, so not hashed)</param>
public sealed record ImagePlan(
    SpecInfo Metadata,
    string Tag,
    ImageBase Base,
    string VmspecBinary,
    IReadOnlyList<ImageFile> SpecFiles,
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

    public string Name => Metadata.Name;

    /// <summary>Where a spec file (a <see cref="SpecFiles"/> path) lands in the image.</summary>
    public static string InstallPath(string specFile) => $"/opt/vmspec/{specFile}";
}

/// <summary>The Debian lock file (repository-relative, with the SHA-256 it had when compiled) and the names of the packages to take from it, sorted.</summary>
public sealed record ImageBase(string DebianLock, string DebianLockSha256, IReadOnlyList<string> Packages);

/// <summary>A repository-relative file and the SHA-256 of its content when compiled.</summary>
public sealed record ImageFile(string Path, string Sha256);
