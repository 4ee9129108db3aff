namespace Vmspec.Images;

/// <summary>One pinned package of images/debian.lock.json.</summary>
/// <param name="Filename">The pool file name (e.g. libc6_2.36-9+deb12u14_amd64.deb); also its name in the cache.</param>
public sealed record DebianPackage(string Name, string Version, string Architecture, string Sha256, string Filename)
{
    public override string ToString() => $"{Name} {Version} ({Architecture})";
}
