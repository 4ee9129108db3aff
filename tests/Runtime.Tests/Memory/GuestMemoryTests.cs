using Vmspec.Runtime.Memory;

namespace Vmspec.Runtime.Tests.Memory;

public sealed class GuestMemoryTests
{
    [Fact]
    public void Reads_and_writes_by_guest_physical_address_across_slots()
    {
        using var memory = new GuestMemory();
        memory.AddSlot(0, 0, 0x10000);
        memory.AddSlot(1, 0x40_0000, 0x2000);

        memory.WriteUInt64(0x8000, 0x1122334455667788);
        memory.WriteUInt32(0x40_1ffc, 0xcafef00d);

        Assert.Equal(0x1122334455667788UL, memory.ReadUInt64(0x8000));
        Assert.Equal(0xcafef00du, memory.ReadUInt32(0x40_1ffc));
        Assert.Equal(0x88, memory.Span(0x8000, 1)[0]);
        Assert.Equal(0UL, memory.ReadUInt64(0x40_0000)); // anonymous memory starts zeroed
    }

    [Theory]
    [InlineData(0xfffcUL, 8)]   // straddles the end of slot 0
    [InlineData(0x20000UL, 1)]  // in no slot
    [InlineData(0x40_1ffdUL, 4)]
    public void Access_outside_one_slot_is_refused_with_the_range(ulong gpa, int length)
    {
        using var memory = new GuestMemory();
        memory.AddSlot(0, 0, 0x10000);
        memory.AddSlot(1, 0x40_0000, 0x2000);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => memory.Span(gpa, length));

        Assert.Contains($"0x{gpa:x}", e.Message);
    }

    [Fact]
    public void Overlapping_duplicate_or_unaligned_slots_are_refused()
    {
        using var memory = new GuestMemory();
        memory.AddSlot(0, 0, 0x10000);

        Assert.Contains("overlaps slot 0", Assert.Throws<ArgumentException>(() => memory.AddSlot(1, 0xf000, 0x2000)).Message);
        Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => memory.AddSlot(0, 0x20000, 0x1000)).Message);
        Assert.Throws<ArgumentException>(() => memory.AddSlot(2, 0x20000, 0x800));
    }

    [Fact]
    public void Slots_describe_their_kvm_memory_region()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(3, 0x40_0000, 0x40_0000);

        var region = slot.ToRegion();

        Assert.Equal(3u, region.Slot);
        Assert.Equal(0x40_0000UL, region.GuestPhysAddr);
        Assert.Equal(0x40_0000UL, region.MemorySize);
        Assert.Equal(slot.HostAddress, region.UserspaceAddr);
        Assert.Equal(0UL, region.UserspaceAddr % 4096);
    }
}
