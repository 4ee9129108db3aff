using System.Text.RegularExpressions;

namespace Vmspec.Shared.Debian;

/// <summary>
/// A .deb pinned by package name, version and SHA-256. The name and version go to apt-get as one argument, so they
/// are checked to be Debian names and versions (never an option such as "-oDebug::...").
/// </summary>
public sealed partial record DebianPin
{
    public string Name { get; }
    public string Version { get; }
    /// <summary>Lower-case hex SHA-256 of the .deb.</summary>
    public string Sha256 { get; }

    public DebianPin(string name, string version, string sha256)
    {
        if (!PackageName().IsMatch(name))
            throw new DebianPackageException($"package name \"{name}\" is not a Debian package name");
        if (!PackageVersion().IsMatch(version))
            throw new DebianPackageException($"package version \"{version}\" of {name} is not a Debian version");
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
            throw new DebianPackageException($"sha256 of {name}={version} must be 64 hex digits, got \"{sha256}\"");
        Name = name;
        Version = version;
        Sha256 = sha256.ToLowerInvariant();
    }

    /// <summary>The command that fetches this package into the current directory.</summary>
    public string FetchCommand => $"apt-get download {this}";

    /// <summary>The file names apt-get download gives this package: NAME_VERSION_ARCH.deb, an epoch's ':' as "%3a".</summary>
    public string FileNamePattern => $"{Name}_{Version.Replace(":", "%3a", StringComparison.Ordinal)}_*.deb";

    public override string ToString() => $"{Name}={Version}";

    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex PackageName();

    [GeneratedRegex("^[0-9][A-Za-z0-9.+~:-]*$")]
    private static partial Regex PackageVersion();
}
