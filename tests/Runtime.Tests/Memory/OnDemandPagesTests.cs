using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Memory;

namespace Vmspec.Runtime.Tests.Memory;

/// <summary>Eviction and on-demand restore need no KVM: a host thread touching an evicted page faults like a vCPU.</summary>
public sealed class OnDemandPagesTests
{
    private static OnDemandPages EvictOrSkip(GuestMemorySlot slot, ulong[] pages)
    {
        try
        {
            return OnDemandPages.Evict(slot, pages);
        }
        catch (KvmException e) when (e.Operation.StartsWith("userfaultfd") || e.Operation.StartsWith("UFFDIO"))
        {
            Assert.Skip($"userfaultfd unavailable: {e.Message}");
            throw;
        }
    }

    [Fact]
    public void Evicted_pages_come_back_with_their_contents_on_first_touch_and_are_counted()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(0, 0, 0x10_000);
        for (ulong page = 0; page < 16; page++)
            slot.Span(page * 4096, 4096).Fill((byte)(0x40 + page));

        using OnDemandPages evicted = EvictOrSkip(slot, [3, 4, 9]);

        Assert.Equal(3, evicted.Evicted);
        Assert.Empty(evicted.Restored); // nothing touched yet
        Assert.Equal(0x49, slot.Span(9 * 4096 + 100, 1)[0]);
        Assert.Equal(0x43, slot.Span(3 * 4096, 1)[0]);
        Assert.Equal(0x45, slot.Span(5 * 4096, 1)[0]); // never evicted: no fault
        Assert.True(slot.Span(4 * 4096, 4096).IndexOfAnyExcept((byte)0x44) < 0, "page 4 restored whole");
        Assert.Equal([9UL, 3UL, 4UL], evicted.Restored.Select(r => r.PageIndex));
        Assert.All(evicted.Restored, r => Assert.True(r.Restored >= r.Received));
        Assert.Null(evicted.Failure);
    }

    [Fact]
    public void Eviction_refuses_pages_outside_the_slot_and_duplicates()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(0, 0, 0x4000);

        Assert.Throws<ArgumentOutOfRangeException>(() => OnDemandPages.Evict(slot, [4]));
        Assert.Throws<ArgumentException>(() => OnDemandPages.Evict(slot, [1, 1]));
    }
}
