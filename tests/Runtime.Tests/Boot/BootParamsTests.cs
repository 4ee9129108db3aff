using System.Buffers.Binary;
using Vmspec.GuestKernels.Boot;
using Vmspec.Runtime.Boot;

namespace Vmspec.Runtime.Tests.Boot;

public sealed class BootParamsTests
{
    private static readonly byte[] Image = SyntheticKernel.Build(SyntheticKernelTests.Expected);
    private static readonly BzImage Header = BzImage.Parse(Image, "synthetic");

    private static byte[] Build(ulong commandLine = 0x2_0000, ulong initrd = 0x3F0_0000, ulong initrdSize = 0x1234) =>
        BootParams.Build(Image, Header, new BootParamsInput(commandLine, initrd, initrdSize, E820Map.ForRam(0x400_0000)));

    [Fact]
    public void Setup_header_is_copied_from_the_image_up_to_its_end_and_nothing_beyond()
    {
        byte[] page = Build();

        // Every header byte matches the image except the fields the loader owns.
        int[] loaderOwned = [0x210, 0x211, 0x218, 0x219, 0x21A, 0x21B, 0x21C, 0x21D, 0x21E, 0x21F, 0x224, 0x225, 0x228, 0x229, 0x22A, 0x22B];
        for (int i = ZeroPageOffsets.SetupHeader; i < Header.HeaderEnd; i++)
            if (!loaderOwned.Contains(i)) Assert.True(Image[i] == page[i], $"byte 0x{i:x}: image 0x{Image[i]:x2}, zero page 0x{page[i]:x2}");
        Assert.Equal(BzImage.HeaderMagic, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x202)));
        Assert.All(page[Header.HeaderEnd..ZeroPageOffsets.E820Table], b => Assert.Equal(0, b));
        Assert.All(page[..ZeroPageOffsets.ExtRamdiskImage], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Loader_fields_are_set_as_the_boot_protocol_asks()
    {
        byte[] page = Build();

        Assert.Equal(0xFF, page[0x210]);
        Assert.Equal((byte)(LoadFlags.LoadedHigh | LoadFlags.CanUseHeap), page[0x211]);
        Assert.Equal(BootParams.HeapEnd, BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(0x224)));
        Assert.Equal(0x2_0000u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x228)));
        Assert.Equal(0x3F0_0000u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x218)));
        Assert.Equal(0x1234u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x21C)));
    }

    [Fact]
    public void Addresses_above_4_GiB_split_into_the_header_field_and_its_ext_high_half()
    {
        byte[] page = Build(commandLine: 0x1_2345_6000, initrd: 0x2_0000_1000, initrdSize: 0x1_0000_0010);

        Assert.Equal(0x2345_6000u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x228)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x0C8)));
        Assert.Equal(0x1000u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x218)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x0C0)));
        Assert.Equal(0x10u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x21C)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x0C4)));
    }

    [Fact]
    public void E820_table_is_written_as_20_byte_entries_at_0x2d0()
    {
        byte[] page = Build();

        Assert.Equal(3, page[0x1E8]);
        Assert.Equal(0x10_0000UL, BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(0x2D0 + 40)));
        Assert.Equal(0x3F0_0000UL, BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(0x2D0 + 48)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(0x2D0 + 56)));
        Assert.Equal(E820Map.ForRam(0x400_0000), BootParams.ReadE820(page));
    }

    [Fact]
    public void A_memory_map_longer_than_the_zero_page_table_is_refused()
    {
        var entries = Enumerable.Range(0, 129).Select(i => new E820Entry((ulong)i * 0x1000, 0x1000, E820Type.Ram)).ToArray();

        var e = Assert.Throws<BootLoaderException>(() => BootParams.Build(Image, Header, new BootParamsInput(0, 0, 0, entries)));
        Assert.Contains("129 e820 entries", e.Message);
    }
}
