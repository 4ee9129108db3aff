using System.Security.Cryptography;
using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Debian;
using Vmspec.GuestKernels.Tests.Builders;
using Vmspec.TestSupport;

namespace Vmspec.GuestKernels.Tests;

public sealed class RealKernelTests
{
    [Fact]
    public void Debian_6_1_cloud_speaks_legacy_68()
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
    public void Debian_6_12_cloud_speaks_fixed_64()
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

    /// <summary>SHA-256 of the vmlinux in Debian 6.1.0-56-amd64's bzImage, as `xz -dc` of its payload gives it.</summary>
    private const string Generic61VmlinuxSha256 = "4b37ad587701fad5c25512b00c98ee8067ca35f61c5c49d852af3637a44b1227";

    /// <summary>The whole xz payload (x86 BCJ + LZMA2, CRC32) decodes to what xz-utils gives: it used to fail its block
    /// check, because SharpCompress's x86 filter left calls at read boundaries unconverted.</summary>
    [Fact]
    public void Debian_6_1_generic_xz_payload_decodes_like_xz_utils()
    {
        string deb = DebianKernels.RequireCached(DebianKernels.Generic61);
        var vmlinuz = DebianKernelPackage.ReadVmlinuz(File.ReadAllBytes(deb), deb);
        var header = BzImage.Parse(vmlinuz.Contents, vmlinuz.Name);
        var payload = vmlinuz.Contents.AsMemory((int)header.PayloadFileOffset, (int)header.PayloadLength);
        Assert.Equal(CompressionKind.Xz, CompressionMagic.Detect(payload.Span));

        byte[] vmlinux = PayloadDecompressor.DecompressKernelPayload(payload, header.InitSize, vmlinuz.Name);

        Assert.Equal(65906612, vmlinux.Length);
        Assert.Equal(Generic61VmlinuxSha256, Convert.ToHexStringLower(SHA256.HashData(vmlinux)));
        // The pinned hash came from xz-utils; where it is installed, check again against its output (the payload without
        // the kernel's 4-byte size trailer, which xz would call trailing garbage).
        if (XzCli.IsAvailable)
            Assert.Equal(Generic61VmlinuxSha256, Convert.ToHexStringLower(SHA256.HashData(XzCli.Run(payload[..^4].ToArray(), "-dc"))));
    }

    [Fact]
    public void Debian_6_1_generic_is_xz_and_speaks_legacy_68()
    {
        var image = DebianKernels.Open(DebianKernels.Generic61);

        Assert.Equal(CompressionKind.Xz, image.Compression);
        Assert.Equal("boot/vmlinuz-6.1.0-56-amd64", image.Member);
        Assert.StartsWith("6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2", image.KernelVersion);
        var report = AbiReport.FromImage(image);
        Assert.Equal("legacy-68", report.Verdict);
        AssertMembers(report, ("flags", 0, 4), ("token", 4, 4), ("pad", 8, 56), ("enabled", 64, 4));
    }

    [Fact]
    public void Extracted_vmlinuz_gives_the_same_report_as_the_package()
    {
        var package = DebianKernels.Cloud612;
        string deb = DebianKernels.RequireCached(package);
        using var temp = new TempDirectory("vmspec-test-");
        string dir = temp.Path;
        string vmlinuz = Path.Combine(dir, "vmlinuz");
        Assert.Equal("boot/vmlinuz-6.12.117+deb12-cloud-amd64", package.ExtractVmlinuz(deb, vmlinuz));
        Assert.Single(Directory.GetFiles(dir)); // no temp file left behind

        var fromFile = AbiReport.Create(vmlinuz);
        var fromDeb = AbiReport.FromImage(DebianKernels.Open(package));
        Assert.Equal("fixed-64", fromFile.Verdict);
        Assert.Equal(fromDeb.Struct!.Members, fromFile.Struct!.Members);
        Assert.Equal(fromDeb.KernelVersion, fromFile.KernelVersion);
    }

    [Fact]
    public async Task Cached_package_verifies_without_downloading()
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
