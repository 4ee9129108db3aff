using Vmspec.Runtime.Boot;

namespace Vmspec.Runtime.Tests.Boot;

public sealed class E820MapTests
{
    [Fact]
    public void RAM_is_usable_below_the_EBDA_and_from_1_MiB_with_the_legacy_hole_reserved()
    {
        var map = E820Map.ForRam(0x1000_0000);

        Assert.Equal(
        [
            new E820Entry(0, 0x9_FC00, E820Type.Ram),
            new E820Entry(0x9_FC00, 0x6_0400, E820Type.Reserved),
            new E820Entry(0x10_0000, 0xFF0_0000, E820Type.Ram),
        ], map);
        for (int i = 1; i < map.Count; i++) Assert.Equal(map[i - 1].End, map[i].Address); // contiguous, no overlap
        Assert.Equal(0x1000_0000UL, map.Where(e => e.Type == E820Type.Ram).Max(e => e.End));
    }

    [Theory]
    [InlineData(0x10_0000UL, "does not reach above 1 MiB")]
    [InlineData(0xD000_1000UL, "MMIO gap")]
    public void RAM_sizes_outside_the_supported_range_are_refused(ulong ramSize, string reason)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => E820Map.ForRam(ramSize));
        Assert.Contains(reason, e.Message);
    }
}
