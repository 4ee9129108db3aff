using System.Text;
using Iced.Intel;
using Vmspec.GuestKernels.Boot;
using Vmspec.Runtime.Boot;

namespace Vmspec.Runtime.Tests.Boot;

public sealed class SyntheticKernelTests
{
    internal static readonly SyntheticKernelExpectations Expected =
        new("console=ttyS0 reboot=k vmspec.synthetic=1", 0x400_0000, Encoding.ASCII.GetBytes("an initramfs stand-in, 37 bytes long"));

    [Fact]
    public void Image_parses_as_a_protocol_2_15_bzImage_with_the_declared_fields()
    {
        byte[] image = SyntheticKernel.Build(Expected);

        var header = BzImage.Parse(image, "synthetic");

        Assert.Equal(0x020F, header.ProtocolVersion);
        Assert.Equal(SyntheticKernel.SetupSects, header.SetupSects);
        Assert.Equal(XLoadFlags.Kernel64, header.XLoadFlags);
        Assert.True(header.LoadFlags.HasFlag(LoadFlags.LoadedHigh));
        Assert.True(header.Relocatable);
        Assert.Equal(SyntheticKernel.KernelAlignment, header.KernelAlignment);
        Assert.Equal(SyntheticKernel.PrefAddress, header.PrefAddress);
        Assert.Equal(SyntheticKernel.InitSize, header.InitSize);
        Assert.Equal(SyntheticKernel.CmdlineSize, header.CmdlineSize);
        Assert.Equal(SyntheticKernel.Version, header.KernelVersion);
        Assert.Equal(0x26C, header.HeaderEnd);
        Assert.Equal((uint)(image.Length - header.SetupSize) / 16, header.SysSize);
    }

    [Fact]
    public void The_64_bit_entry_at_plus_0x200_saves_rsi_and_the_32_bit_entry_halts()
    {
        byte[] image = SyntheticKernel.Build(Expected);
        int kernel = BzImage.Parse(image, "synthetic").SetupSize;

        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(image[(kernel + 0x200)..]));
        decoder.Decode(out Instruction first);

        Assert.Equal(Code.Mov_rm64_r64, first.Code);
        Assert.Equal(Register.R15, first.Op0Register);
        Assert.Equal(Register.RSI, first.Op1Register);
        Assert.All(image[kernel..(kernel + 0x200)], b => Assert.Equal(0xF4, b));
    }

    [Fact]
    public void Image_carries_a_line_per_check_the_expected_command_line_and_is_deterministic()
    {
        byte[] image = SyntheticKernel.Build(Expected);
        string text = Encoding.ASCII.GetString(image);

        foreach (string check in SyntheticKernel.Checks)
        {
            Assert.Contains(SyntheticKernel.OkLine(check) + "\n", text);
            Assert.Contains(SyntheticKernel.FailedLine(check) + "\n", text);
        }
        Assert.Contains(Expected.CommandLine + "\0", text);
        Assert.Equal(image, SyntheticKernel.Build(Expected));
        Assert.NotEqual(image, SyntheticKernel.Build(Expected with { CommandLine = "other" }));
    }

    [Fact]
    public void Fnv1a_matches_the_published_test_vectors()
    {
        Assert.Equal(0x811C9DC5u, SyntheticKernel.Fnv1a([]));
        Assert.Equal(0xE40C292Cu, SyntheticKernel.Fnv1a("a"u8));
        Assert.Equal(0xBF9CF968u, SyntheticKernel.Fnv1a("foobar"u8));
    }
}
