using Vmspec.Runtime.Kvm;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>
/// Runs a VM on a thread of its own so that its kernel thread id is known before KVM_RUN starts (host trace
/// events are filtered to it). The thread always ends: the run has its own watchdog.
/// </summary>
internal static class VcpuThread
{
    /// <param name="beforeRun">Called on the caller's thread with the vCPU thread's id, before the guest starts.</param>
    public static RunResult Run<TState>(Vm vm, Func<int, TState> beforeRun, out TState state)
    {
        using var tidKnown = new ManualResetEventSlim();
        using var go = new ManualResetEventSlim();
        int tid = 0;
        var abandoned = false;
        RunResult? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            tid = VcpuKick.CurrentThreadId();
            tidKnown.Set();
            go.Wait();
            if (abandoned)
                return; // beforeRun failed: the guest must not run for nothing until its timeout
            try
            {
                result = vm.Run();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "vmspec-vcpu0" };
        thread.Start();
        tidKnown.Wait();
        try
        {
            state = beforeRun(tid);
        }
        catch
        {
            abandoned = true;
            throw;
        }
        finally
        {
            go.Set();
            thread.Join();
        }
        if (failure is not null)
        {
            // The caller never sees the state of a failed run, so a disposable one (a trace session) is released here.
            (state as IDisposable)?.Dispose();
            throw new InvalidOperationException($"the vCPU thread failed: {failure.Message}", failure);
        }
        return result!;
    }
}
