using System.Buffers.Binary;
using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Debian;
using Vmspec.Runtime.Boot;
using Vmspec.Shared.Debian;

namespace Vmspec.Runtime.Tests.Boot;

/// <summary>The loaders on the pinned Debian kernels (skipped when the .deb is not cached; loading needs no KVM).</summary>
public sealed class RealKernelLoadTests
{
    private static readonly DebianKernelPackage Cloud61 = new(
        "linux-image-6.1.0-56-cloud-amd64-unsigned", "6.1.192-2", "7ff7fc8da85d313242c20698c6b34542aea447673c7c1975b0d38bd6005100b5");
    private static readonly DebianKernelPackage Cloud612 = new(
        "linux-image-6.12.117+deb12-cloud-amd64-unsigned", "6.12.117-1~deb12u1", "670b2688bcf94c24693f7c7e1fc9776ff2e202ff15553a2614f79415d48a6607");

    public static TheoryData<string> Packages => new() { "6.1", "6.12" };

    private static byte[] Vmlinuz(string which)
    {
        DebianKernelPackage package = which == "6.1" ? Cloud61 : Cloud612;
        string? path = package.FindCached();
        if (path is null)
            Assert.Skip($"{package.Name}={package.Version} is not in {DebCache.DefaultDirectory}; fetch it with: {package.FetchCommand}");
        package.Verify(path);
        return DebianKernelPackage.ReadVmlinuz(File.ReadAllBytes(path), path).Contents;
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Debian_bzImage_loads_within_its_header_limits(string which)
    {
        byte[] image = Vmlinuz(which);
        var header = BzImage.Parse(image, which);
        var layout = LinuxBootLayout.Default with { RamSize = 0x1000_0000 };

        BootImage boot = LinuxLoader.LoadBzImage(image, which, new LinuxBootOptions { CommandLine = "console=ttyS0", Initramfs = new byte[0x10_0000], Layout = layout });

        Assert.Equal(header.PrefAddress, boot.Placement.KernelAddress);
        Assert.Equal(boot.Placement.KernelAddress + header.InitSize, boot.Placement.KernelEnd);
        Assert.InRange(boot.Placement.InitramfsAddress, boot.Placement.KernelEnd, header.RamdiskMax - 0x10_0000 + 1);
        byte[] zeroPage = boot.Writes.Single(w => w.Address == layout.ZeroPage).Data.ToArray();
        Assert.Equal(BzImage.HeaderMagic, BinaryPrimitives.ReadUInt32LittleEndian(zeroPage.AsSpan(0x202)));
        Assert.Equal(image[0x230..0x238], zeroPage[0x230..0x238]); // kernel_alignment .. xloadflags copied
        Assert.Equal(image[0x258..0x264], zeroPage[0x258..0x264]); // pref_address, init_size copied
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Debian_bzImage_carries_a_vmlinux_whose_PVH_entry_lies_inside_its_loaded_segments(string which)
    {
        byte[] image = Vmlinuz(which);
        var header = BzImage.Parse(image, which);

        BootImage boot = PvhLoader.LoadBzImage(image, which, new LinuxBootOptions { Layout = LinuxBootLayout.Default with { RamSize = 0x1000_0000 } });

        Assert.Equal(header.PrefAddress, boot.Placement.KernelAddress);
        Assert.InRange(boot.Regs.Rip, boot.Placement.KernelAddress, boot.Placement.KernelEnd - 1);
        Assert.True(boot.Placement.KernelEnd - boot.Placement.KernelAddress <= header.InitSize,
            $"segments span 0x{boot.Placement.KernelEnd - boot.Placement.KernelAddress:x}, init_size 0x{header.InitSize:x}");
    }
}
