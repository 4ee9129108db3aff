using System.Buffers.Binary;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Memory;

namespace Vmspec.Runtime.AsyncPf.Tests.Guests;

/// <summary>The host side of the Linux workload, on plain memory: find the guest's pattern pages wherever they are, evict them, restore them.</summary>
public sealed class WorkloadEvictionTests
{
    private static void WritePattern(GuestMemorySlot ram, ulong ramPage, ulong workloadPage)
    {
        Span<byte> page = ram.Span(ramPage * 4096, 4096);
        for (int j = 0; j < WorkloadPattern.Quadwords; j++)
            BinaryPrimitives.WriteUInt64LittleEndian(page[(j * 8)..], WorkloadPattern.Quadword(workloadPage, j));
    }

    private static GuestEvent? Announce(WorkloadEviction eviction, uint pages)
    {
        try
        {
            return eviction.Write(ReportPorts.EvictWorkload, BitConverter.GetBytes(pages));
        }
        catch (KvmException e) when (e.Operation.StartsWith("userfaultfd") || e.Operation.StartsWith("UFFDIO"))
        {
            Assert.Skip($"userfaultfd unavailable: {e.Message}");
            throw;
        }
    }

    [Fact]
    public void The_pattern_pages_are_found_in_any_order_evicted_and_restored_on_first_touch()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot ram = memory.AddSlot(0, 0, 0x20_000);
        WritePattern(ram, 7, 0);
        WritePattern(ram, 2, 1);
        WritePattern(ram, 30, 2);
        using var eviction = new WorkloadEviction();
        eviction.Attach(ram);

        var evicted = Assert.IsType<WorkloadEvicted>(Announce(eviction, 3));

        Assert.Null(evicted.Problem);
        Assert.Equal(3, evicted.PagesFound);
        Assert.Equal([0x2000UL, 0x7000UL, 0x1E000UL], evicted.GuestPhysicalAddresses);
        Assert.Equal(WorkloadPattern.Quadword(1, 300), BinaryPrimitives.ReadUInt64LittleEndian(ram.Span(2 * 4096 + 300 * 8, 8)));
        Assert.Equal([2UL], eviction.Pages!.Restored.Select(r => r.PageIndex));
    }

    [Fact]
    public void A_page_count_the_RAM_does_not_hold_is_a_stated_problem_and_a_second_eviction_a_violation()
    {
        using var memory = new GuestMemory();
        GuestMemorySlot ram = memory.AddSlot(0, 0, 0x10_000);
        WritePattern(ram, 1, 0);
        using var eviction = new WorkloadEviction();
        eviction.Attach(ram);

        var evicted = Assert.IsType<WorkloadEvicted>(Announce(eviction, 2));

        Assert.Equal("the guest announced 2 pages, RAM holds 1 of them", evicted.Problem);
        Assert.IsType<ReportProtocolViolation>(eviction.Write(ReportPorts.EvictWorkload, BitConverter.GetBytes(2u)));
    }

    [Theory]
    [InlineData(0UL, 0, WorkloadPattern.Magic)]
    [InlineData(5UL, 1, WorkloadPattern.IndexTag | 5)]
    [InlineData(1UL, 2, 0xBBB96F87FE94F82AUL)] // 0x9E3779B97F4A7C15 * 0x1_0000_0002 mod 2^64
    public void The_pattern_tags_each_page_and_spreads_the_rest(ulong page, int quadword, ulong expected) =>
        Assert.Equal(expected, WorkloadPattern.Quadword(page, quadword));
}
