namespace Vmspec.Runtime.Running;

/// <summary>
/// Stops a runaway guest: after the timeout it sets kvm_run.immediate_exit and signals the vCPU thread so
/// KVM_RUN returns EINTR. Dispose guarantees no signal is sent afterwards.
/// </summary>
public sealed class RunWatchdog : IDisposable
{
    private readonly KvmVcpuFd _vcpu;
    private readonly int _threadId;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private bool _finished;
    private volatile bool _fired;

    /// <summary>Arms the watchdog for the calling thread, which must be the one that calls KVM_RUN.</summary>
    public RunWatchdog(KvmVcpuFd vcpu, TimeSpan timeout)
    {
        VcpuKick.EnsureHandlerInstalled();
        _vcpu = vcpu;
        _threadId = VcpuKick.CurrentThreadId();
        _timer = new Timer(_ => Fire(), null, timeout, Timeout.InfiniteTimeSpan);
    }

    public bool Fired => _fired;

    private void Fire()
    {
        lock (_lock)
        {
            if (_finished) return;
            _fired = true;
            _vcpu.RequestImmediateExit();
            VcpuKick.Kick(_threadId);
        }
    }

    public void Dispose()
    {
        lock (_lock) _finished = true;
        _timer.Dispose();
    }
}
