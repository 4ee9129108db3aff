using System.Text;
using Vmspec.Images.Tests.Support;
using Vmspec.Shared.Debian;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Debian;

public sealed class DebianPackageLayerTests
{
    private const string CachedName = "demo_1%3a1.0-1_amd64.deb";

    private static DebianPackage Pin(byte[] deb) => new("demo", "1:1.0-1", "amd64", Digest.Of(deb).Hex, "demo_1.0-1_amd64.deb");

    [Fact]
    public void Data_tar_becomes_layer_entries_without_docs_and_with_hard_links_copied()
    {
        var entries = DebianPackageLayer.Extract(new MemoryStream(SyntheticDeb.Create()), "demo", DebianPackageLayer.DefaultExcludedPrefixes)
            .ToDictionary(static e => e.Path);

        Assert.Equal(["etc/demo.conf", "usr", "usr/bin", "usr/bin/t", "usr/bin/tool", "usr/bin/tool-again"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.True(entries["usr/bin/tool"].Executable);
        Assert.True(entries["usr/bin/tool-again"].Executable);
        Assert.Equal("tool", entries["usr/bin/t"].LinkTarget);
        Assert.False(entries["etc/demo.conf"].Executable);
        var tar = TarBytes.Read(TarBytes.Write(entries.Values, 0)).ToDictionary(static e => e.Name);
        Assert.Equal("#!/bin/sh\necho tool\n", new StreamReader(tar["usr/bin/tool-again"].DataStream!).ReadToEnd());
    }

    [Fact]
    public void Not_a_deb_is_refused_naming_the_source()
    {
        var error = Assert.Throws<ImageBuildException>(() => DebianPackageLayer.Extract(new MemoryStream("hello"u8.ToArray()), "demo 1.0", []));
        Assert.Equal("demo 1.0: not a .deb (no \"!<arch>\" ar header)", error.Message);
    }

    [Fact]
    public void Cached_package_with_the_pinned_hash_is_not_downloaded_again()
    {
        using var temp = new TempDirectory();
        var deb = SyntheticDeb.Create();
        var apt = new InMemoryAptGet(deb, CachedName);
        var lockFile = new DebianLockFile([Pin(deb)]);

        var first = DebianPackageLayer.Build(lockFile, new DebCache(temp.Path, apt));
        var second = DebianPackageLayer.Build(lockFile, new DebCache(temp.Path, apt));

        Assert.Equal(1, apt.Downloads);
        Assert.Equal(first.Select(static e => e.Path), second.Select(static e => e.Path));
        Assert.True(File.Exists(temp.Combine(CachedName)));
    }

    [Fact]
    public void Package_whose_bytes_differ_from_the_lock_is_refused_naming_it()
    {
        using var temp = new TempDirectory();
        var deb = SyntheticDeb.Create();
        var pinned = Pin(deb) with { Sha256 = new string('0', 64) };

        var error = Assert.Throws<ImageBuildException>(() => DebianPackageLayer.Build(new DebianLockFile([pinned]), new DebCache(temp.Path, new InMemoryAptGet(deb, CachedName))));

        Assert.Contains($"demo=1:1.0-1: downloaded {CachedName} has sha256", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Lock_file_round_trips_sorted_and_byte_stable()
    {
        using var temp = new TempDirectory();
        var lockFile = new DebianLockFile([
            new DebianPackage("zlib1g", "1:1.2.13", "amd64", new string('a', 64), "zlib1g_1.2.13_amd64.deb"),
            new DebianPackage("libc6", "2.36-9", "amd64", new string('b', 64), "libc6_2.36-9_amd64.deb"),
        ]);
        lockFile.Save(temp.Combine("one.json"));
        DebianLockFile.Load(temp.Combine("one.json")).Save(temp.Combine("two.json"));

        Assert.Equal(File.ReadAllBytes(temp.Combine("one.json")), File.ReadAllBytes(temp.Combine("two.json")));
        Assert.Equal(["libc6", "zlib1g"], DebianLockFile.Load(temp.Combine("two.json")).Packages.Select(static p => p.Name));
    }

    [Theory]
    [InlineData("{\"packages\": [\n  {\"name\": \"x\",}\n]}", "bad.json:2:")]
    [InlineData("{\"packages\": [{\"name\": \"libc6\", \"version\": \"1\", \"architecture\": \"amd64\", \"filename\": \"a.deb\"}]}", "bad.json: packages[0]: field 'sha256' is missing")]
    public void Bad_lock_file_names_the_file_and_place(string json, string expected)
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("bad.json"), json);

        var error = Assert.Throws<DebianPackageException>(() => DebianLockFile.Load(temp.Combine("bad.json")));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Refresh_pins_the_resolved_candidate_and_keeps_other_packages()
    {
        var old = new DebianPackage("libc6", "2.36-1", "amd64", new string('b', 64), "libc6_2.36-1_amd64.deb");
        var other = new DebianPackage("zlib1g", "1:1.2.13", "amd64", new string('a', 64), "zlib1g_1.2.13_amd64.deb");

        var refreshed = new DebianLockFile([old, other]).Refresh(["libc6"], new InMemoryAptGet([], CachedName));

        Assert.Equal(InMemoryAptGet.CandidateVersion, refreshed.Packages[0].Version);
        Assert.Equal(other, refreshed.Packages[1]);
    }
}
