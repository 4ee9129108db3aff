namespace Vmspec.Runtime.Kvm;

/// <summary>
/// A kernel timer (timer_create with SIGEV_THREAD_ID on CLOCK_MONOTONIC) that sends a signal to one thread when it
/// expires and again at every interval after that. No thread of ours has to run for it to fire, so neither a starved
/// thread pool nor a runtime suspending its threads can hold it back; the repeats cover a signal that lands just
/// before the thread blocks again. Deleted on Dispose: no signal is generated after that.
/// </summary>
public sealed unsafe class ThreadSignalTimer : IDisposable
{
    /// <summary>CLOCK_MONOTONIC (linux/time.h): Stopwatch's clock, so a deadline taken from it and this timer agree.</summary>
    internal const int ClockMonotonic = 1;

    private readonly int _timerId;
    private bool _deleted;

    private ThreadSignalTimer(int timerId) => _timerId = timerId;

    /// <summary>Arms a timer that signals thread <paramref name="threadId"/> after <paramref name="first"/>, then every <paramref name="interval"/>.</summary>
    public static ThreadSignalTimer Start(int threadId, int signal, TimeSpan first, TimeSpan interval)
    {
        if (first <= TimeSpan.Zero || interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(first), "a timer's first expiry and interval are positive");
        var notify = new SigEvent { Signo = signal, Notify = SigEvent.NotifyThreadId, ThreadId = threadId };
        int timerId;
        if ((long)LibC.syscall(NativeCalls.SysTimerCreate, ClockMonotonic, &notify, &timerId) < 0)
            throw new KvmException("timer_create(CLOCK_MONOTONIC, SIGEV_THREAD_ID)", LibC.errno);
        var timer = new ThreadSignalTimer(timerId);
        var spec = new ITimerSpec { Value = Timespec.From(first), Interval = Timespec.From(interval) };
        if ((long)LibC.syscall(NativeCalls.SysTimerSettime, timerId, 0, &spec, null) < 0)
        {
            int errno = LibC.errno;
            timer.Dispose();
            throw new KvmException("timer_settime", errno);
        }
        return timer;
    }

    public void Dispose()
    {
        if (_deleted) return;
        _deleted = true;
        LibC.syscall(NativeCalls.SysTimerDelete, _timerId);
    }
}
