using System.Diagnostics;

namespace Vmspec.Runtime.Running;

/// <summary>
/// Stops a runaway guest: a kernel timer signals the vCPU thread at the timeout and every <see cref="Repeat"/> after it,
/// so a KVM_RUN in progress or about to start returns EINTR and the run loop sees <see cref="Fired"/>. The timer is the
/// kernel's (<see cref="ThreadSignalTimer"/>): nothing of ours has to be scheduled for it to fire. Deleted on Dispose.
/// </summary>
public sealed class RunWatchdog : IDisposable
{
    /// <summary>A signal that lands between two KVM_RUNs is lost to the no-op handler; the next one comes this soon.</summary>
    public static readonly TimeSpan Repeat = TimeSpan.FromMilliseconds(50);

    private readonly long _deadline;
    private readonly ThreadSignalTimer _timer;

    /// <summary>Arms the watchdog for the calling thread, which must be the one that calls KVM_RUN.</summary>
    public RunWatchdog(TimeSpan timeout)
    {
        VcpuKick.EnsureHandlerInstalled();
        // Taken before the timer is armed, on the same clock (CLOCK_MONOTONIC): the first signal always finds Fired true.
        _deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _timer = ThreadSignalTimer.Start(VcpuKick.CurrentThreadId(), VcpuKick.Signal, timeout, Repeat);
    }

    public bool Fired => Stopwatch.GetTimestamp() >= _deadline;

    public void Dispose() => _timer.Dispose();
}
