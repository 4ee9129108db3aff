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

    /// <summary>
    /// Touches one byte of a page on a thread of its own (the fault blocks it until the page is resolved). The byte is
    /// copied by libc's memcpy, not read by managed code: a thread blocked in a fault while running managed code can
    /// never reach a GC safe point, so a collection started meanwhile (by any other test) would wait for it forever while
    /// the resolver, suspended by that collection, never resolves the page. KVM_RUN has the same property for the vCPU.
    /// </summary>
    private sealed class Toucher
    {
        private readonly ManualResetEventSlim _done = new();

        public Toucher(GuestMemorySlot slot, int page)
        {
            new Thread(() =>
            {
                byte[] value = new byte[1];
                var pinned = System.Runtime.InteropServices.GCHandle.Alloc(value, System.Runtime.InteropServices.GCHandleType.Pinned);
                try
                {
                    NativeCopy(pinned.AddrOfPinnedObject(), (nint)(slot.HostAddress + (ulong)page * 4096 + 5), 1);
                }
                finally
                {
                    pinned.Free();
                }
                Value = value[0];
                _done.Set();
            }) { IsBackground = true }.Start();
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "memcpy")]
        private static extern nint NativeCopy(nint destination, nint source, nuint count);

        public byte Value { get; private set; }

        /// <summary>True when the read completed within <paramref name="time"/>.</summary>
        public bool Finishes(TimeSpan time) => _done.Wait(time);
    }

    private static Toucher Touch(GuestMemorySlot slot, int page) => new(slot, page);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_held_page_stays_missing_until_the_guest_releases_it()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x4000);
        using UserfaultfdSlot uffd = CreateOrSkip(slot, (index, page) => page.Fill((byte)(0xb0 + index)), TimeSpan.Zero);
        uffd.HoldUntilReleased(TimeSpan.FromSeconds(60));

        Toucher toucher = Touch(slot, 2);
        // However long it is given, a held page does not arrive before its release.
        Assert.False(toucher.Finishes(TimeSpan.FromMilliseconds(300)));
        Assert.True(uffd.Release(2));

        Assert.True(toucher.Finishes(Patience), "the released page never arrived");
        Assert.Equal(0xb2, toucher.Value);
        var fault = Assert.Single(uffd.Events);
        Assert.Equal(UserfaultResolution.Released, fault.Resolution);
        Assert.True(fault.Released is { } at && at >= fault.Received && at <= fault.Resolved, $"{fault}");
        Assert.Equal(TimeSpan.FromSeconds(60), uffd.HoldBound);
        Assert.Null(uffd.Failure);
    }

    [Fact]
    public void A_page_released_before_its_fault_is_resolved_without_waiting_for_the_bound()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x4000);
        using UserfaultfdSlot uffd = CreateOrSkip(slot, (index, page) => page.Fill((byte)(0xb0 + index)), TimeSpan.Zero);
        uffd.HoldUntilReleased(TimeSpan.FromSeconds(60));

        Assert.True(uffd.Release(1));
        Toucher toucher = Touch(slot, 1);

        Assert.True(toucher.Finishes(Patience), "a page released in advance was held");
        Assert.Equal(0xb1, toucher.Value);
        var fault = Assert.Single(uffd.Events);
        Assert.Equal(UserfaultResolution.Released, fault.Resolution);
        Assert.True(fault.Released <= fault.Received, $"{fault}");
    }

    [Fact]
    public void A_page_never_released_is_resolved_when_its_bound_runs_out_and_the_slot_then_stops_holding()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x4000);
        using UserfaultfdSlot uffd = CreateOrSkip(slot, (index, page) => page.Fill((byte)(0xb0 + index)), TimeSpan.Zero);
        var bound = TimeSpan.FromMilliseconds(300);
        uffd.HoldUntilReleased(bound);

        Toucher first = Touch(slot, 0);
        Assert.True(first.Finishes(Patience), "the hold bound did not end the hold");
        Toucher second = Touch(slot, 3);
        Assert.True(second.Finishes(Patience), "a page after an expired hold was held");

        Assert.Equal([0xb0, 0xb3], [first.Value, second.Value]);
        var faults = uffd.Events;
        Assert.Equal([UserfaultResolution.HoldExpired, UserfaultResolution.HoldAbandoned], faults.Select(f => f.Resolution));
        Assert.True(faults[0].Resolved - faults[0].Received >= bound, $"held {(faults[0].Resolved - faults[0].Received).TotalMilliseconds} ms");
        Assert.All(faults, f => Assert.Null(f.Released));
        Assert.Null(uffd.Failure);
    }

    [Fact]
    public void Release_refuses_a_page_outside_the_slot_and_the_hold_is_set_before_any_fault()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x4000);
        using UserfaultfdSlot uffd = CreateOrSkip(slot, (_, _) => { }, TimeSpan.Zero);

        Assert.Equal(4UL, uffd.Pages);
        Assert.True(uffd.Release(3));
        Assert.False(uffd.Release(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => uffd.HoldUntilReleased(TimeSpan.Zero));
        Assert.Null(uffd.HoldBound);

        Assert.True(Touch(slot, 0).Finishes(Patience));
        Assert.Equal(UserfaultResolution.AfterDelay, Assert.Single(uffd.Events).Resolution);
        Assert.Throws<InvalidOperationException>(() => uffd.HoldUntilReleased(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_resolver_that_throws_is_reported_and_closes_the_userfaultfd_so_the_faulting_thread_gets_a_zero_page()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x4000);
        using UserfaultfdSlot uffd = CreateOrSkip(slot, (index, _) => throw new InvalidOperationException($"no contents for page {index}"), TimeSpan.Zero);

        Toucher toucher = Touch(slot, 2);

        Assert.True(toucher.Finishes(Patience), "the faulting thread stayed blocked after its resolver failed");
        Assert.Equal(0, toucher.Value);
        Assert.Equal("no contents for page 2", uffd.Failure?.Message);
        Assert.False(uffd.ResolverAlive);
        Assert.True(Touch(slot, 3).Finishes(Patience), "a later fault blocked after the resolver failed");
    }

    [Fact]
    public void Dispose_while_a_page_is_held_ends_the_hold_joins_the_resolver_and_frees_the_blocked_thread()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot slot = memory.AddSlot(1, 0x40_0000, 0x4000);
        UserfaultfdSlot uffd = CreateOrSkip(slot, (index, page) => page.Fill(0xee), TimeSpan.Zero);
        uffd.HoldUntilReleased(TimeSpan.FromMinutes(10));
        Toucher toucher = Touch(slot, 0);
        Assert.False(toucher.Finishes(TimeSpan.FromMilliseconds(200)));

        var disposer = new Thread(uffd.Dispose) { IsBackground = true };
        disposer.Start();
        Assert.True(disposer.Join(Patience), "Dispose hung on a held page");

        Assert.False(uffd.ResolverAlive);
        Assert.Empty(uffd.Events);
        // Closing the userfaultfd wakes the fault; with the range no longer registered it gets an ordinary zero page.
        Assert.True(toucher.Finishes(Patience), "the faulting thread stayed blocked after Dispose");
        Assert.Equal(0, toucher.Value);
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
