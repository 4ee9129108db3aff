using System.Diagnostics;
using Vmspec.Runtime.Kvm;

namespace Vmspec.Runtime.Memory;

/// <summary>Fills <paramref name="page"/> (4 KiB, zeroed) with the contents of page <paramref name="pageIndex"/> of the slot.</summary>
public delegate void PageResolver(ulong pageIndex, Span<byte> page);

/// <summary>One resolved missing-page fault, as the resolver thread saw it.</summary>
/// <remarks>Received: the uffd message was read; Resolved: the page contents were ready and UFFDIO_COPY was issued.</remarks>
public readonly record struct UserfaultEvent(ulong PageIndex, int FaultingThreadId, TimeSpan Received, TimeSpan Resolved);

/// <summary>
/// A slot registered with userfaultfd (MISSING mode) and a resolver thread: it polls the uffd, reads each
/// uffd_msg, waits the configured delay, asks the resolver for the page and UFFDIO_COPYs it in.
/// The thread stops and is joined on Dispose.
/// </summary>
public sealed class UserfaultfdSlot : IDisposable
{
    private const int PollMilliseconds = 20;

    private readonly GuestMemorySlot _slot;
    private readonly PageResolver _resolver;
    private readonly TimeSpan _delay;
    private readonly Userfaultfd _uffd;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _eventsLock = new();
    private readonly List<UserfaultEvent> _events = [];
    private volatile Exception? _failure;
    private bool _disposed;

    public UserfaultfdSlot(GuestMemorySlot slot, PageResolver resolver, TimeSpan delay)
    {
        _slot = slot;
        _resolver = resolver;
        _delay = delay;
        _uffd = Userfaultfd.Create();
        try
        {
            _uffd.RegisterMissing(slot.HostAddress, slot.Size);
            slot.IsUserfaultBacked = true;
            _thread = new Thread(ResolveLoop) { IsBackground = true, Name = $"vmspec-uffd-slot{slot.Id}" };
            _thread.Start();
        }
        catch
        {
            _uffd.Dispose();
            _stop.Dispose();
            throw;
        }
    }

    public GuestMemorySlot Slot => _slot;

    public int EventCount
    {
        get { lock (_eventsLock) return _events.Count; }
    }

    public IReadOnlyList<UserfaultEvent> Events
    {
        get { lock (_eventsLock) return _events.ToArray(); }
    }

    internal bool ResolverAlive => _thread.IsAlive;

    /// <summary>The exception that stopped the resolver thread, if any (a stopped resolver leaves the vCPU blocked).</summary>
    public Exception? Failure => _failure;

    private void ResolveLoop()
    {
        var page = new byte[Userfaultfd.PageSize];
        try
        {
            while (!_stop.IsSet)
            {
                if (!_uffd.Poll(PollMilliseconds)) continue;
                while (!_stop.IsSet && _uffd.TryRead(out UffdMsg message))
                {
                    if (message.Event != UffdIoctls.EventPagefault) continue;
                    TimeSpan received = _clock.Elapsed;
                    ulong hostPage = message.PagefaultAddress & ~(ulong)(Userfaultfd.PageSize - 1);
                    ulong index = (hostPage - _slot.HostAddress) / (ulong)Userfaultfd.PageSize;
                    if (!WaitUntil(received + _delay)) return;
                    Array.Clear(page);
                    _resolver(index, page);
                    // Recorded before the copy wakes the faulting thread, so it already sees its own event.
                    lock (_eventsLock)
                        _events.Add(new UserfaultEvent(index, (int)message.PagefaultPtid, received, _clock.Elapsed));
                    _uffd.CopyPage(hostPage, page);
                }
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    /// <summary>Sleeps until the clock reaches <paramref name="due"/> (event waits may wake a tick early); false when stopping.</summary>
    private bool WaitUntil(TimeSpan due)
    {
        for (TimeSpan now = _clock.Elapsed; now < due; now = _clock.Elapsed)
            if (_stop.Wait((int)Math.Ceiling((due - now).TotalMilliseconds))) return false;
        return !_stop.IsSet;
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
