using Vmspec.Shared.Debian;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Debian;

/// <summary>apt-cache / apt-get download against the real Debian archive (skips where apt is absent).</summary>
public sealed class RealDebianPackageTests
{
    internal static AptGet AptOrSkip()
    {
        if (!File.Exists("/usr/bin/apt-get") || !File.Exists("/usr/bin/apt-cache"))
        {
            Assert.Skip("apt-get/apt-cache not installed: Debian package layers need a Debian host");
        }

        return new AptGet();
    }

    /// <summary>busybox-static pinned at its current candidate, its layer entries, from a test cache.</summary>
    internal static IReadOnlyList<LayerEntry> BusyboxLayer(AptGet apt, string directory)
    {
        var lockFile = new DebianLockFile([]).Refresh(["busybox-static"], apt);
        lockFile.Save(Path.Combine(directory, "debian.lock.json"));
        return DebianPackageLayer.Build(DebianLockFile.Load(Path.Combine(directory, "debian.lock.json")), new DebCache(Path.Combine(directory, "debs"), apt));
    }

    [Fact]
    public void Busybox_static_is_resolved_downloaded_verified_and_unpacked()
    {
        var apt = AptOrSkip();
        using var temp = new TempDirectory();

        var entries = BusyboxLayer(apt, temp.Path).ToDictionary(static e => e.Path);

        var busybox = entries["bin/busybox"];
        Assert.True(busybox.Executable);
        Assert.True(busybox.ContentLength > 500_000);
        Assert.DoesNotContain(entries.Keys, static p => p.StartsWith("usr/share/doc/", StringComparison.Ordinal));
        var pinned = DebianLockFile.Load(temp.Combine("debian.lock.json")).Packages.Single();
        Assert.Equal(pinned.Sha256, Digest.OfFile(new DebCache(temp.Combine("debs")).FindCached(pinned.Pin)!).Hex);
    }
}
