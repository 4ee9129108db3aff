using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Debian;

namespace Vmspec.GuestKernels.Tests;

public sealed class RealKernelTests
{
    [Fact]
    public void Debian61CloudSpeaksLegacy68()
    {
        var image = DebianKernels.Open(DebianKernels.Cloud61);

        Assert.Equal(KernelImageFormat.BzImage, image.Format);
        Assert.Equal(CompressionKind.Lz4, image.Compression);
        Assert.Equal("boot/vmlinuz-6.1.0-56-cloud-amd64", image.Member);
        Assert.StartsWith("6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2", image.KernelVersion);
        AssertDebianSetupHeader(image.Header!);

        var report = AbiReport.FromImage(image);
        Assert.Equal("legacy-68", report.Verdict);
        Assert.Equal(68, report.Struct!.Size);
        AssertMembers(report, ("flags", 0, 4), ("token", 4, 4), ("pad", 8, 56), ("enabled", 64, 4));
    }

    [Fact]
    public void Debian612CloudSpeaksFixed64()
    {
        var image = DebianKernels.Open(DebianKernels.Cloud612);

        Assert.Equal(CompressionKind.Zstd, image.Compression);
        Assert.StartsWith("6.12.117+deb12-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1", image.KernelVersion);
        AssertDebianSetupHeader(image.Header!);

        var report = AbiReport.FromImage(image);
        Assert.Equal("fixed-64", report.Verdict);
        Assert.Equal(64, report.Struct!.Size);
        AssertMembers(report, ("flags", 0, 4), ("token", 4, 4), ("pad", 8, 56));
        Assert.Equal("__u8[56]", report.Struct.FindMember("pad")!.TypeName);
    }

    [Fact]
    public void ExtractedVmlinuzGivesTheSameReportAsThePackage()
    {
        var package = DebianKernels.Cloud612;
        string deb = DebianKernels.RequireCached(package);
        string dir = Directory.CreateTempSubdirectory("vmspec-test-").FullName;
        try
        {
            string vmlinuz = Path.Combine(dir, "vmlinuz");
            Assert.Equal("boot/vmlinuz-6.12.117+deb12-cloud-amd64", package.ExtractVmlinuz(deb, vmlinuz));
            Assert.Single(Directory.GetFiles(dir)); // no temp file left behind

            var fromFile = AbiReport.Create(vmlinuz);
            var fromDeb = AbiReport.FromImage(DebianKernels.Open(package));
            Assert.Equal("fixed-64", fromFile.Verdict);
            Assert.Equal(fromDeb.Struct!.Members, fromFile.Struct!.Members);
            Assert.Equal(fromDeb.KernelVersion, fromFile.KernelVersion);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task CachedPackageVerifiesWithoutDownloading()
    {
        string deb = DebianKernels.RequireCached(DebianKernels.Cloud61);
        string cache = Path.GetDirectoryName(deb)!;
        var fetched = await DebianKernels.Cloud61.FetchAsync(cache, TestContext.Current.CancellationToken);
        Assert.Equal(deb, fetched);
    }

    /// <summary>Facts measured on the Debian cloud kernels (kvm-host-notes.md).</summary>
    private static void AssertDebianSetupHeader(BzImage header)
    {
        Assert.Equal("2.15", header.ProtocolText);
        Assert.Equal(39, header.SetupSects);
        Assert.Equal(0x200000u, header.KernelAlignment);
        Assert.True(header.Relocatable);
        Assert.Equal(0x1000000ul, header.PrefAddress);
        Assert.Equal((XLoadFlags)0x7F, header.XLoadFlags);
        Assert.Equal(0x2CCu, header.PayloadOffset);
        Assert.InRange(header.InitSize, 50u << 20, 60u << 20);
        Assert.True(header.LoadFlags.HasFlag(LoadFlags.LoadedHigh));
    }

    private static void AssertMembers(AbiReport report, params (string Name, long Offset, long Size)[] expected) =>
        Assert.Equal(expected, report.Struct!.Members.Select(m => (m.Name, m.ByteOffset, m.Size)).ToArray());
}
