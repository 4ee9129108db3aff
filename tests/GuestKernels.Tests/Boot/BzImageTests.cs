using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Tests.Builders;

namespace Vmspec.GuestKernels.Tests.Boot;

public sealed class BzImageTests
{
    private static readonly byte[] Payload = Payloads.Compress(CompressionKind.Gzip, Payloads.Sample(1000));

    [Fact]
    public void Parses_every_setup_header_field()
    {
        var header = BzImage.Parse(BzImageBuilder.Build(Payload, initSize: 0x3378000), "test");

        Assert.Equal(1, header.SetupSects);
        Assert.Equal(1024, header.SetupSize);
        Assert.Equal("2.15", header.ProtocolText);
        Assert.Equal(BzImageBuilder.DefaultVersion, header.KernelVersion);
        Assert.Equal(LoadFlags.LoadedHigh, header.LoadFlags);
        Assert.Equal(0x100000u, header.Code32Start);
        Assert.Equal(0x7FFFFFFFu, header.RamdiskMax);
        Assert.Equal(0x200000u, header.KernelAlignment);
        Assert.True(header.Relocatable);
        Assert.Equal(21, header.MinAlignment);
        Assert.Equal(XLoadFlags.Kernel64 | XLoadFlags.CanBeLoadedAbove4G | XLoadFlags.EfiHandover32 | XLoadFlags.EfiHandover64
            | XLoadFlags.EfiKexec | XLoadFlags.FiveLevel | XLoadFlags.FiveLevelEnabled, header.XLoadFlags);
        Assert.Equal(2047u, header.CmdlineSize);
        Assert.Equal((uint)BzImageBuilder.PayloadOffset, header.PayloadOffset);
        Assert.Equal((uint)Payload.Length, header.PayloadLength);
        Assert.Equal(1024L + BzImageBuilder.PayloadOffset, header.PayloadFileOffset);
        Assert.Equal(0x1000000ul, header.PrefAddress);
        Assert.Equal(0x3378000u, header.InitSize);
        Assert.Equal(0x190u, header.HandoverOffset);
        Assert.Equal(0x12345u, header.KernelInfoOffset);
        Assert.Equal(0x26C, header.HeaderEnd);
    }

    [Fact]
    public void Zero_setup_sects_means_four()
    {
        var header = BzImage.Parse(BzImageBuilder.Build(Payload, setupSects: 0), "test");
        Assert.Equal(4, header.SetupSects);
        Assert.Equal(5 * 512, header.SetupSize);
    }

    [Fact]
    public void Fields_newer_than_the_protocol_read_as_zero()
    {
        var header = BzImage.Parse(BzImageBuilder.Build(Payload, protocol: 0x0207), "test");
        Assert.False(header.HasPayloadInfo);
        Assert.Equal(0u, header.PayloadOffset);
        Assert.Equal(0u, header.InitSize);
        Assert.Equal(0ul, header.PrefAddress);
        Assert.Equal(XLoadFlags.None, header.XLoadFlags);
        Assert.Equal(2047u, header.CmdlineSize); // 2.06 field is still read

        var e = Assert.Throws<KernelImageException>(() => KernelImage.FromBytes(BzImageBuilder.Build(Payload, protocol: 0x0207), "old.img"));
        Assert.Equal("old.img: boot protocol 2.07 predates payload_offset (2.08); cannot locate the kernel payload", e.Message);
    }

    [Fact]
    public void Missing_version_pointer_gives_no_version() =>
        Assert.Null(BzImage.Parse(BzImageBuilder.Build(Payload, kernelVersion: null), "test").KernelVersion);

    [Theory]
    [InlineData(0x1FE, "test: setup header field boot_flag at offset 0x1FE: is 0x0055, expected 0xAA55")]
    [InlineData(0x202, "test: setup header field header at offset 0x202: is 0x53726400, expected \"HdrS\" (0x53726448)")]
    public void Bad_magic_names_the_field(int offset, string message)
    {
        var image = BzImageBuilder.Build(Payload);
        image[offset + (offset == 0x1FE ? 1 : 0)] = 0;
        Assert.Equal(message, Assert.Throws<KernelImageException>(() => BzImage.Parse(image, "test")).Message);
    }

    [Fact]
    public void Version_string_must_end_inside_the_setup_area()
    {
        var image = BzImageBuilder.Build(Payload);
        image.AsSpan(0x300, 1024 - 0x300).Fill((byte)'x');
        Assert.Equal("test: setup header field kernel_version at offset 0x20E: string at 0x300 is not NUL-terminated within the setup area",
            Assert.Throws<KernelImageException>(() => BzImage.Parse(image, "test")).Message);
    }

    [Fact]
    public void Payload_past_the_end_is_refused()
    {
        var image = BzImageBuilder.Build(Payload);
        BitConverter.TryWriteBytes(image.AsSpan(0x24C), (uint)(Payload.Length + 4096));
        var e = Assert.Throws<KernelImageException>(() => BzImage.Parse(image, "test"));
        Assert.StartsWith("test: setup header field payload_offset at offset 0x248: payload 0x40+", e.Message);
    }

    [Fact]
    public void Setup_sectors_past_the_end_are_refused()
    {
        var image = BzImageBuilder.Build(Payload);
        image[0x1F1] = 200;
        Assert.StartsWith("test: setup header field setup_sects at offset 0x1F1: declares 200 setup sectors",
            Assert.Throws<KernelImageException>(() => BzImage.Parse(image, "test")).Message);
    }

    /// <summary>Every prefix of a valid image is refused with our own exception, never another one.</summary>
    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Lz4)]
    public void Every_truncation_point_gives_a_clear_error(CompressionKind kind)
    {
        byte[] image = SyntheticKernel.BzImage(kind, legacy68: false);
        Assert.Equal("fixed-64", GuestKernels.Abi.AbiReport.FromImage(KernelImage.FromBytes(image, "full.img")).Verdict);
        for (int length = 0; length < image.Length; length++)
        {
            var e = Assert.Throws<KernelImageException>(() => KernelImage.FromBytes(image[..length], "cut.img"));
            Assert.StartsWith("cut.img", e.Message);
        }
    }

    /// <summary>A flipped byte anywhere either still decodes or is refused with our own exception.</summary>
    [Theory]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Lz4)]
    public void Corrupt_bytes_never_escape_as_foreign_exceptions(CompressionKind kind)
    {
        byte[] image = SyntheticKernel.BzImage(kind, legacy68: true);
        int refused = 0;
        for (int i = 0; i < image.Length; i++)
        {
            byte[] corrupt = (byte[])image.Clone();
            corrupt[i] ^= 0x5A;
            try
            {
                _ = GuestKernels.Abi.AbiReport.FromImage(KernelImage.FromBytes(corrupt, "corrupt.img")).ToJson();
            }
            catch (KernelImageException)
            {
                refused++;
            }
        }
        Assert.InRange(refused, 1, image.Length);
    }
}
