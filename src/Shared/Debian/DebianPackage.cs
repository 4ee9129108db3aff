namespace Vmspec.Shared.Debian;

/// <summary>One pinned package of a Debian lock file (images/debian.lock.json).</summary>
/// <param name="Filename">The pool file name (e.g. libc6_2.36-9+deb12u14_amd64.deb), as apt-cache shows it.</param>
public sealed record DebianPackage(string Name, string Version, string Architecture, string Sha256, string Filename)
{
    /// <summary>What the download cache fetches and checks.</summary>
    public DebianPin Pin => new(Name, Version, Sha256);

    public override string ToString() => $"{Name} {Version} ({Architecture})";
}
