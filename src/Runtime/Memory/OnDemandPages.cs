using System.Diagnostics;

namespace Vmspec.Runtime.Memory;

/// <summary>One evicted page given back: when its fault reached the resolver and when its contents were copied in.</summary>
public readonly record struct RestoredPage(ulong PageIndex, int FaultingThreadId, TimeSpan Received, TimeSpan Restored);

/// <summary>
/// Pages of a RAM slot taken away from a running guest and given back on demand, the shape of QEMU's postcopy
/// migration: <see cref="Evict"/> saves each page, registers its range with userfaultfd (MISSING) and drops it
/// (MADV_DONTNEED, which also makes KVM unmap it); the guest's next access faults to a resolver thread that
/// UFFDIO_COPYs the saved contents back. Call <see cref="Evict"/> while the vCPU is stopped (from an exit handler),
/// so the guest cannot touch a page between its save and its drop. The thread is joined on Dispose.
/// </summary>
public sealed class OnDemandPages : IDisposable
{
    private readonly GuestMemorySlot _slot;
    private readonly Dictionary<ulong, byte[]> _saved;
    private readonly Userfaultfd _uffd;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly List<RestoredPage> _restored = [];
    private volatile Exception? _failure;
    private bool _disposed;

    private OnDemandPages(GuestMemorySlot slot, Dictionary<ulong, byte[]> saved, Userfaultfd uffd)
    {
        _slot = slot;
        _saved = saved;
        _uffd = uffd;
        _thread = new Thread(ResolveLoop) { IsBackground = true, Name = $"vmspec-restore-slot{slot.Id}" };
        _thread.Start();
    }

    /// <summary>Evicts <paramref name="pageIndices"/> (page numbers within the slot, distinct) and starts serving their faults.</summary>
    public static OnDemandPages Evict(GuestMemorySlot slot, IReadOnlyCollection<ulong> pageIndices)
    {
        const ulong pageSize = Userfaultfd.PageSize;
        var saved = new Dictionary<ulong, byte[]>(pageIndices.Count);
        foreach (ulong index in pageIndices)
        {
            if (index >= slot.Size / pageSize)
                throw new ArgumentOutOfRangeException(nameof(pageIndices), $"page {index} is outside slot {slot.Id} ({slot.Size / pageSize} pages)");
            if (!saved.TryAdd(index, slot.Mapping.Slice(index * pageSize, (int)pageSize).ToArray()))
                throw new ArgumentException($"page {index} is listed twice", nameof(pageIndices));
        }
        var uffd = Userfaultfd.Create();
        try
        {
            // One registration per run of consecutive pages: only these pages fault to us, the rest of RAM is untouched.
            foreach (var (first, count) in Runs(saved.Keys.Order()))
            {
                uffd.RegisterMissing(slot.HostAddress + first * pageSize, count * pageSize);
                slot.Mapping.Discard(first * pageSize, count * pageSize);
            }
            return new OnDemandPages(slot, saved, uffd);
        }
        catch
        {
            uffd.Dispose();
            throw;
        }
    }

    public int Evicted => _saved.Count;

    public IReadOnlyList<RestoredPage> Restored
    {
        get { lock (_gate) return _restored.ToArray(); }
    }

    /// <summary>The exception that stopped the resolver, if any; its userfaultfd is then closed, so later faults get zero pages.</summary>
    public Exception? Failure => _failure;

    private static IEnumerable<(ulong First, ulong Count)> Runs(IEnumerable<ulong> ordered)
    {
        ulong first = 0, count = 0;
        foreach (ulong index in ordered)
        {
            if (count > 0 && index == first + count)
            {
                count++;
                continue;
            }
            if (count > 0) yield return (first, count);
            (first, count) = (index, 1);
        }
        if (count > 0) yield return (first, count);
    }

    private void ResolveLoop()
    {
        var zero = new byte[Userfaultfd.PageSize];
        _failure = UserfaultLoop.Serve(_uffd, _stop, (hostPage, threadId) =>
        {
            TimeSpan received = _clock.Elapsed;
            ulong index = (hostPage - _slot.HostAddress) / Userfaultfd.PageSize;
            lock (_gate)
                _restored.Add(new RestoredPage(index, threadId, received, _clock.Elapsed));
            // Only evicted ranges are registered, so every fault names a saved page; zeros are the defensive answer.
            _uffd.CopyPage(hostPage, _saved.TryGetValue(index, out byte[]? page) ? page : zero);
        });
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Set();
        _thread.Join();
        _uffd.Dispose();
        _stop.Dispose();
    }
}
