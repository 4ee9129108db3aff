using System.Security.Cryptography;
using System.Text;
using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Debian;
using Vmspec.GuestKernels.Tests.Builders;
using Vmspec.TestSupport;

namespace Vmspec.GuestKernels.Tests.Debian;

public sealed class DebianPackageTests
{
    private static readonly byte[] Vmlinuz = SyntheticKernel.BzImage(CompressionKind.Lz4, legacy68: false);
    private static readonly byte[] DataTar = DebBuilder.Tar(("./boot/config-6.9.0-test", new byte[77]), ("./boot/vmlinuz-6.9.0-test", Vmlinuz));

    [Theory]
    [InlineData("data.tar.gz")]
    [InlineData("data.tar.zst")]
    [InlineData("data.tar")]
    public void Reads_vmlinuz_from_each_data_tar_compression(string member)
    {
        byte[] data = member switch
        {
            "data.tar.gz" => Payloads.Gzip(DataTar),
            "data.tar.zst" => new ZstdSharp.Compressor().Wrap(DataTar).ToArray(),
            _ => DataTar,
        };
        var vmlinuz = DebianKernelPackage.ReadVmlinuz(DebBuilder.Deb(member, data), "pkg.deb");
        Assert.Equal("boot/vmlinuz-6.9.0-test", vmlinuz.Name);
        Assert.Equal(Vmlinuz, vmlinuz.Contents);
    }

    [Fact]
    public void Reads_vmlinuz_from_data_tar_xz()
    {
        var vmlinuz = DebianKernelPackage.ReadVmlinuz(DebBuilder.Deb("data.tar.xz", DebBuilder.FakeDataTarXz), "pkg.deb");
        Assert.Equal("boot/vmlinuz-6.0.0-test", vmlinuz.Name);
        Assert.Equal("vmspec fake vmlinuz\n", Encoding.ASCII.GetString(vmlinuz.Contents));
    }

    [Fact]
    public void Opens_a_package_as_a_kernel_image()
    {
        using var temp = new TempDirectory("vmspec-test-");
        string dir = temp.Path;
        string deb = Path.Combine(dir, "linux-image-test_1.0_amd64.deb");
        File.WriteAllBytes(deb, DebBuilder.Deb("data.tar.gz", Payloads.Gzip(DataTar)));
        var image = KernelImage.Open(deb);
        Assert.Equal(("boot/vmlinuz-6.9.0-test", KernelImageFormat.BzImage), (image.Member, image.Format));
        Assert.Equal("fixed-64", AbiReport.FromImage(image).Verdict);
    }

    [Fact]
    public async Task Unpacks_the_vmlinuz_of_a_cached_package_next_to_it_once()
    {
        using var cache = new TempDirectory("vmspec-test-");
        byte[] deb = DebBuilder.Deb("data.tar.gz", Payloads.Gzip(DataTar));
        File.WriteAllBytes(cache.Combine("linux-image-test_1.0_amd64.deb"), deb);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(deb));
        var package = new DebianKernelPackage("linux-image-test", "1.0", sha256);

        string vmlinuz = await package.FetchVmlinuzAsync(cache.Path, TestContext.Current.CancellationToken);
        var unpackedAt = File.GetLastWriteTimeUtc(vmlinuz);
        string again = await package.FetchVmlinuzAsync(cache.Path, TestContext.Current.CancellationToken);

        Assert.Equal(cache.Combine($"{sha256}.vmlinuz"), vmlinuz);
        Assert.Equal(Vmlinuz, File.ReadAllBytes(vmlinuz));
        Assert.Equal((vmlinuz, unpackedAt), (again, File.GetLastWriteTimeUtc(again)));
    }

    [Fact]
    public void Explains_what_is_missing_or_unsupported()
    {
        Assert.Equal("p.deb: no ./boot/vmlinuz-* file in the package",
            Assert.Throws<KernelImageException>(() => DebianKernelPackage.ReadVmlinuz(DebBuilder.Deb("data.tar.gz", Payloads.Gzip(DebBuilder.Tar())), "p.deb")).Message);
        Assert.Equal("p.deb: no data.tar member in the package",
            Assert.Throws<KernelImageException>(() => DebianKernelPackage.ReadVmlinuz(DebBuilder.Ar(("debian-binary", "2.0\n"u8.ToArray())), "p.deb")).Message);
        Assert.Equal("p.deb:data.tar.bz2: unsupported compression bzip2 (supported: xz, zstd, gzip, none)",
            Assert.Throws<KernelImageException>(() => DebianKernelPackage.ReadVmlinuz(DebBuilder.Deb("data.tar.bz2", "BZh91AY&SY"u8.ToArray()), "p.deb")).Message);
        Assert.StartsWith("p.deb:data.tar.gz: corrupt gzip tar data: ",
            Assert.Throws<KernelImageException>(() => DebianKernelPackage.ReadVmlinuz(DebBuilder.Deb("data.tar.gz", [0x1F, 0x8B, 0x08, 0, 1, 2, 3]), "p.deb")).Message);
    }

    [Fact]
    public void Every_truncation_point_gives_a_clear_error()
    {
        byte[] deb = DebBuilder.Deb("data.tar.xz", DebBuilder.FakeDataTarXz);
        for (int length = 0; length < deb.Length; length++)
            Assert.StartsWith("cut.deb", Assert.Throws<KernelImageException>(() => KernelImage.FromBytes(deb[..length], "cut.deb")).Message);
    }

    [Fact]
    public void Verifies_the_digest_and_names_the_fetch_command()
    {
        using var temp = new TempDirectory("vmspec-test-");
        string dir = temp.Path;
        byte[] deb = DebBuilder.Deb("data.tar.gz", Payloads.Gzip(DataTar));
        string path = Path.Combine(dir, "linux-image-test_1%3a2.0-1_amd64.deb");
        File.WriteAllBytes(path, deb);
        var good = new DebianKernelPackage("linux-image-test", "1:2.0-1", Convert.ToHexStringLower(SHA256.HashData(deb)));
        Assert.Equal(path, good.FindCached(dir));
        good.Verify(path);

        var bad = new DebianKernelPackage("linux-image-test", "1:2.0-1", new string('0', 64));
        Assert.Equal($"{path}: sha256 is {good.Sha256}, expected {bad.Sha256} for linux-image-test=1:2.0-1",
            Assert.Throws<KernelImageException>(() => bad.Verify(path)).Message);

        var absent = new DebianKernelPackage("linux-image-other", "5.0", good.Sha256);
        Assert.Null(absent.FindCached(dir));
        Assert.Equal($"{dir}/x.deb: missing; fetch it with `apt-get download linux-image-other=5.0`",
            Assert.Throws<KernelImageException>(() => absent.Verify(Path.Combine(dir, "x.deb"))).Message);

        string output = Path.Combine(dir, "vmlinuz");
        Assert.Equal("boot/vmlinuz-6.9.0-test", good.ExtractVmlinuz(path, output));
        Assert.Equal(Vmlinuz, File.ReadAllBytes(output));
        Assert.Throws<KernelImageException>(() => bad.ExtractVmlinuz(path, Path.Combine(dir, "never")));
        Assert.False(File.Exists(Path.Combine(dir, "never")));
    }

    [Theory]
    [InlineData("-oDebug::pkgProblemResolver=1", "1.0", "0000000000000000000000000000000000000000000000000000000000000000", "package name")]
    [InlineData("linux-image-x", "--help", "0000000000000000000000000000000000000000000000000000000000000000", "package version")]
    [InlineData("linux-image-x", "1.0", "abc", "sha256 of linux-image-x=1.0 must be 64 hex digits")]
    public void Rejects_pins_that_could_not_be_fetched_safely(string name, string version, string sha256, string message) =>
        Assert.StartsWith(message, Assert.Throws<KernelImageException>(() => new DebianKernelPackage(name, version, sha256)).Message);
}
