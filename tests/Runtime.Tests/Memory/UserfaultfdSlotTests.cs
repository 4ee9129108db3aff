using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Memory;

namespace Vmspec.Runtime.Tests.Memory;

/// <summary>userfaultfd needs no KVM: a host thread touching the slot is resolved exactly like a vCPU would be.</summary>
public sealed class UserfaultfdSlotTests
{
    private static UserfaultfdSlot CreateOrSkip(GuestMemorySlot slot, PageResolver resolver, TimeSpan delay)
    {
        try
        {
            return new UserfaultfdSlot(slot, resolver, delay);
        }
        catch (KvmException e) when (e.Operation.StartsWith("userfaultfd") || e.Operation.StartsWith("UFFDIO"))
        {
            Assert.Skip($"userfaultfd unavailable: {e.Message}");
            throw;
        }
    }

    [Fact]
    public void Missing_pages_are_resolved_by_the_callback_after_the_delay_and_counted()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x10_000);
        var delay = TimeSpan.FromMilliseconds(30);
        using UserfaultfdSlot uffd = CreateOrSkip(slot, (index, page) => page.Fill((byte)(0xa0 + index)), delay);

        byte first = slot.Mapping.Slice(3 * 4096 + 17, 1)[0];   // faults page 3
        byte second = slot.Mapping.Slice(5 * 4096, 1)[0];       // faults page 5
        byte again = slot.Mapping.Slice(3 * 4096, 1)[0];        // already present: no event

        Assert.Equal(0xa3, first);
        Assert.Equal(0xa5, second);
        Assert.Equal(0xa3, again);
        Assert.Equal(2, uffd.EventCount);
        Assert.Equal([3UL, 5UL], uffd.Events.Select(e => e.PageIndex));
        Assert.All(uffd.Events, e => Assert.True(e.Resolved - e.Received >= delay, $"resolved {(e.Resolved - e.Received).TotalMilliseconds} ms after the fault"));
        Assert.All(uffd.Events, e => Assert.NotEqual(0, e.FaultingThreadId));
        Assert.Null(uffd.Failure);
    }

    [Fact]
    public void Host_access_through_guest_memory_is_refused_once_registered()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x1000);
        using UserfaultfdSlot uffd = CreateOrSkip(slot, (_, _) => { }, TimeSpan.Zero);

        var e = Assert.Throws<InvalidOperationException>(() => memory.ReadUInt32(0x40_0000));

        Assert.Contains("userfaultfd slot 1", e.Message);
        Assert.False(memory.IsReadable(0x40_0000, 4));
    }

    [Fact]
    public void Dispose_stops_and_joins_the_resolver_thread()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x1000);
        UserfaultfdSlot uffd = CreateOrSkip(slot, (_, _) => { }, TimeSpan.Zero);
        Assert.True(uffd.ResolverAlive);

        uffd.Dispose();
        uffd.Dispose();

        Assert.False(uffd.ResolverAlive);
        Assert.Null(uffd.Failure);
    }
}
