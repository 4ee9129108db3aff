using System.Buffers.Binary;
using System.Diagnostics;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Memory;

namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>What the host did when the guest's /init asked for its workload pages to be evicted.</summary>
public sealed record WorkloadEvicted(uint PagesAnnounced, int PagesFound, IReadOnlyList<ulong> GuestPhysicalAddresses, TimeSpan Took,
    string? Problem) : GuestEvent;

/// <summary>
/// The host side of <see cref="ReportPorts.EvictWorkload"/>: while the vCPU is stopped at that OUT, finds the pages of
/// RAM that hold <see cref="WorkloadPattern"/> (the guest's buffer, wherever Linux placed it) and evicts them
/// (<see cref="OnDemandPages"/>), so the guest's reads that follow fault them back in through userfaultfd. Also
/// records the apf data area before the faults, for the host's check that KVM never writes past byte 7.
/// </summary>
public sealed class WorkloadEviction : IPortIoDevice, IDisposable
{
    private GuestMemorySlot? _ram;

    /// <summary>The RAM slot to search and evict from: the VM's slot 0, known once the VM is built.</summary>
    public void Attach(GuestMemorySlot ram) => _ram = ram;

    public OnDemandPages? Pages { get; private set; }

    public WorkloadEvicted? Result { get; private set; }

    /// <summary>Called at the eviction, vCPU stopped: the host reads what it wants to compare after the faults.</summary>
    public Action? BeforeEviction { get; init; }

    public bool Handles(ushort port) => port == ReportPorts.EvictWorkload;

    public void Read(ushort port, Span<byte> data) => data.Fill(0xFF);

    public GuestEvent? Write(ushort port, ReadOnlySpan<byte> data)
    {
        uint announced = data.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(data) : 0;
        if (_ram is not { } ram)
            return new ReportProtocolViolation($"OUT to port 0x{ReportPorts.EvictWorkload:x}, but no RAM is attached to evict from");
        if (Result is not null || data.Length != 4)
            return new ReportProtocolViolation(Result is not null
                ? $"a second OUT to port 0x{ReportPorts.EvictWorkload:x}: the workload is evicted once"
                : $"{data.Length}-byte OUT to port 0x{ReportPorts.EvictWorkload:x}; expected one 4-byte page count");
        BeforeEviction?.Invoke();
        var clock = Stopwatch.StartNew();
        var found = FindWorkloadPages(ram, announced, out string? problem);
        Pages = OnDemandPages.Evict(ram, found.Values);
        Result = new WorkloadEvicted(announced, found.Count,
            found.Values.Order().Select(page => ram.GuestPhysicalAddress + page * (ulong)WorkloadPattern.PageSize).ToList(), clock.Elapsed, problem);
        return Result;
    }

    /// <summary>Workload page index → RAM page number, for every page of RAM that holds a workload page.</summary>
    private static Dictionary<ulong, ulong> FindWorkloadPages(GuestMemorySlot ram, uint announced, out string? problem)
    {
        var found = new Dictionary<ulong, ulong>();
        var duplicates = 0;
        ulong ramPages = ram.Size / WorkloadPattern.PageSize;
        for (ulong page = 0; page < ramPages; page++)
        {
            if (WorkloadPattern.PageIndexOf(ram.Span(page * WorkloadPattern.PageSize, WorkloadPattern.PageSize), announced) is not { } index)
                continue;
            if (!found.TryAdd(index, page)) duplicates++;
        }
        problem = found.Count != announced ? $"the guest announced {announced} pages, RAM holds {found.Count} of them"
            : duplicates > 0 ? $"{duplicates} workload page(s) appear twice in RAM; the first copy of each was evicted"
            : null;
        return found;
    }

    public void Dispose() => Pages?.Dispose();
}
