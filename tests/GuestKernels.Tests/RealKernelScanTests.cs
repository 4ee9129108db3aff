using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Debian;
using Vmspec.GuestKernels.Tests.Builders;

namespace Vmspec.GuestKernels.Tests;

/// <summary>On the real Debian kernels the payload scan and the full decode + section table give the same report.</summary>
public sealed class RealKernelScanTests
{
    public static TheoryData<string> Packages => ["6.1", "6.1-generic", "6.12"];

    [Theory]
    [MemberData(nameof(Packages))]
    public void Scan_and_section_table_agree(string version)
    {
        DebianKernelPackage package = version switch
        {
            "6.1" => DebianKernels.Cloud61,
            "6.1-generic" => DebianKernels.Generic61,
            _ => DebianKernels.Cloud612,
        };
        var scanned = DebianKernels.Open(package);
        var full = KernelImage.Open(DebianKernels.RequireCached(package), scanPayload: false);

        Assert.Equal(BtfOrigin.PayloadScan, scanned.BtfOrigin);
        Assert.Equal(BtfOrigin.ElfSection, full.BtfOrigin);
        Assert.Equal(full.Btf.ToArray(), scanned.Btf.ToArray());
        Assert.Equal(full.KernelVersion, scanned.KernelVersion);
        var fromScan = AbiReport.FromImage(scanned);
        var fromSections = AbiReport.FromImage(full);
        Assert.Equal(version == "6.12" ? "fixed-64" : "legacy-68", fromScan.Verdict);
        Assert.Equal(fromSections.ToJson(), fromScan.ToJson());
    }
}
