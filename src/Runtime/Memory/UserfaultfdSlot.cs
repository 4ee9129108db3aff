using System.Diagnostics;

namespace Vmspec.Runtime.Memory;

/// <summary>Fills <paramref name="page"/> (4 KiB, zeroed) with the contents of page <paramref name="pageIndex"/> of the slot.</summary>
public delegate void PageResolver(ulong pageIndex, Span<byte> page);

/// <summary>What let the resolver resolve a missing page.</summary>
public enum UserfaultResolution
{
    /// <summary>The slot holds no pages: the page was resolved once the delay had passed.</summary>
    AfterDelay,
    /// <summary>The slot held the page missing until the guest released it (and the delay had passed).</summary>
    Released,
    /// <summary>The slot held the page, but the guest did not release it within the hold bound: resolved anyway.</summary>
    HoldExpired,
    /// <summary>An earlier page's hold had expired, so the slot no longer held pages: resolved after the delay alone.</summary>
    HoldAbandoned,
}

/// <summary>One resolved missing-page fault, as the resolver thread saw it (times on the slot's own clock).</summary>
/// <remarks>
/// Received: the uffd message was read; Resolved: the page contents were ready and UFFDIO_COPY was issued;
/// Released: when the guest released the page (it may have done so before the fault reached the resolver).
/// </remarks>
public readonly record struct UserfaultEvent(ulong PageIndex, int FaultingThreadId, TimeSpan Received, TimeSpan Resolved,
    UserfaultResolution Resolution = UserfaultResolution.AfterDelay, TimeSpan? Released = null);

/// <summary>
/// A slot registered with userfaultfd (MISSING mode) and a resolver thread: it polls the uffd, reads each
/// uffd_msg, waits the configured delay, asks the resolver for the page and UFFDIO_COPYs it in.
/// After <see cref="HoldUntilReleased"/> it also keeps each missing page missing until the guest has released it
/// (<see cref="Release"/>, which the run loop calls for an OUT to <see cref="Devices.ReportPorts.ReleasePage"/>):
/// a handshake that orders "the guest did X while the page was missing" before the page arrives, whatever the
/// relative speed of guest and host. The hold is bounded, so a guest that never releases delays the run once
/// and never hangs it. The thread stops and is joined on Dispose.
/// </summary>
public sealed class UserfaultfdSlot : IDisposable
{
    private readonly GuestMemorySlot _slot;
    private readonly PageResolver _resolver;
    private readonly TimeSpan _delay;
    private readonly Userfaultfd _uffd;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    /// <summary>Guards the events, releases and hold state; pulsed on every release and on stop.</summary>
    private readonly object _gate = new();
    private readonly List<UserfaultEvent> _events = [];
    private readonly Dictionary<ulong, TimeSpan> _released = [];
    private TimeSpan? _holdBound;
    private bool _holdAbandoned;
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

    /// <summary>Pages in the slot: the valid indices for <see cref="Release"/>.</summary>
    public ulong Pages => _slot.Size / Userfaultfd.PageSize;

    public int EventCount
    {
        get { lock (_gate) return _events.Count; }
    }

    public IReadOnlyList<UserfaultEvent> Events
    {
        get { lock (_gate) return _events.ToArray(); }
    }

    /// <summary>The hold bound set by <see cref="HoldUntilReleased"/>, or null when the slot holds no pages.</summary>
    public TimeSpan? HoldBound
    {
        get { lock (_gate) return _holdBound; }
    }

    internal bool ResolverAlive => _thread.IsAlive;

    /// <summary>The exception that stopped the resolver thread, if any; its userfaultfd is then closed, so later faults get zero pages.</summary>
    public Exception? Failure => _failure;

    /// <summary>
    /// From now on each missing page stays missing until the guest releases it, for at most <paramref name="bound"/>
    /// after its fault reached the resolver. A page not released by then is resolved anyway
    /// (<see cref="UserfaultResolution.HoldExpired"/>) and the slot stops holding, so later pages wait only the delay
    /// (<see cref="UserfaultResolution.HoldAbandoned"/>): a guest that never releases delays a run by one bound at most.
    /// Call it before the guest runs.
    /// </summary>
    public void HoldUntilReleased(TimeSpan bound)
    {
        if (bound <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "a hold bound is positive");
        lock (_gate)
        {
            if (_events.Count > 0)
                throw new InvalidOperationException("the hold is set before the guest runs: the slot has already resolved pages");
            _holdBound = bound;
        }
    }

    /// <summary>The guest released page <paramref name="pageIndex"/>: a held fault on it may be resolved. False when the slot has no such page.</summary>
    public bool Release(ulong pageIndex)
    {
        if (pageIndex >= Pages)
            return false;
        lock (_gate)
        {
            _released.TryAdd(pageIndex, _clock.Elapsed);
            Monitor.PulseAll(_gate);
        }
        return true;
    }

    private void ResolveLoop()
    {
        var page = new byte[Userfaultfd.PageSize];
        _failure = UserfaultLoop.Serve(_uffd, _stop, (hostPage, threadId) =>
        {
            TimeSpan received = _clock.Elapsed;
            ulong index = (hostPage - _slot.HostAddress) / Userfaultfd.PageSize;
            if (WaitForResolution(index, received) is not { } ready) return; // stopping: the loop ends next
            Array.Clear(page);
            _resolver(index, page);
            // Recorded before the copy wakes the faulting thread, so it already sees its own event.
            lock (_gate)
                _events.Add(new UserfaultEvent(index, threadId, received, _clock.Elapsed, ready.Resolution, ready.Released));
            _uffd.CopyPage(hostPage, page);
        });
    }

    /// <summary>
    /// Waits until page <paramref name="index"/> may be resolved: the delay has passed and, while the slot holds
    /// pages, the guest has released it or the hold bound has passed. Null when the slot is stopping.
    /// </summary>
    private (UserfaultResolution Resolution, TimeSpan? Released)? WaitForResolution(ulong index, TimeSpan received)
    {
        TimeSpan due = received + _delay;
        lock (_gate)
        {
            bool held = _holdBound is not null && !_holdAbandoned;
            TimeSpan holdEnd = received + (_holdBound ?? TimeSpan.Zero);
            while (true)
            {
                if (_stop.IsSet) return null;
                TimeSpan now = _clock.Elapsed;
                bool released = _released.TryGetValue(index, out TimeSpan at);
                if (held && !released && now >= holdEnd)
                {
                    _holdAbandoned = true;
                    return (UserfaultResolution.HoldExpired, null);
                }
                if (now >= due && (!held || released))
                {
                    var resolution = held ? UserfaultResolution.Released
                        : _holdBound is null ? UserfaultResolution.AfterDelay
                        : UserfaultResolution.HoldAbandoned;
                    return (resolution, released ? at : null);
                }
                // A release or a stop pulses the gate; otherwise wake when the deadline that matters passes.
                TimeSpan until = held && !released ? holdEnd : due;
                Monitor.Wait(_gate, Math.Max(1, (int)Math.Ceiling((until - now).TotalMilliseconds)));
            }
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Set();
        lock (_gate)
            Monitor.PulseAll(_gate);
        _thread.Join();
        _uffd.Dispose();
        _stop.Dispose();
    }
}
