using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Evidence;

/// <summary>
/// Host-side evidence of async #PF: a private tracefs instance with the kvm:kvm_async_pf_* and
/// kvm:kvm_try_async_get_page events enabled, filtered to the given threads (the vCPU threads: the
/// 'not present' and 'ready' events fire there, so parallel VMs do not pollute each other's counts).
/// The global trace buffer is never touched. The instance stamps with CLOCK_MONOTONIC where it can (the run
/// loop's clock, so the guest's and the host's events share one time axis), and <c>kvm_msr</c> is filtered to
/// writes of MSR_KVM_ASYNC_PF_ACK, the guest's acknowledgement of each page-ready.
/// </summary>
public sealed class KvmTraceSession : IDisposable
{
    public const string MsrEvent = "kvm_msr";

    public static readonly IReadOnlyList<string> Events =
    [
        "kvm_try_async_get_page", "kvm_async_pf_not_present", "kvm_async_pf_ready",
        "kvm_async_pf_completed", "kvm_async_pf_repeated_fault", MsrEvent,
    ];

    private static int _instanceCounter;
    private readonly TraceFs _traceFs;
    private readonly string _instance;
    private readonly bool _monotonicClock;
    private bool _stopped;

    private KvmTraceSession(TraceFs traceFs, string instance, bool monotonicClock)
    {
        _traceFs = traceFs;
        _instance = instance;
        _monotonicClock = monotonicClock;
    }

    /// <summary>The name of this session's tracefs instance (vmspec-PID-N): one per session, so parallel sessions never share one.</summary>
    public string InstanceName => Path.GetFileName(_instance);

    /// <summary>Starts a session, or returns null with the reason when tracefs or the KVM events are unavailable.</summary>
    public static KvmTraceSession? TryStart(IReadOnlyCollection<int> threadIds, out string? unavailableReason)
    {
        var traceFs = TraceFs.TryOpen(out unavailableReason);
        if (traceFs is null)
            return null;
        var kvmEvents = Path.Combine(traceFs.Root, "events", "kvm");
        var missing = Events.Where(e => !Directory.Exists(Path.Combine(kvmEvents, e))).ToList();
        if (missing.Count > 0)
        {
            traceFs.Dispose();
            unavailableReason = $"tracefs has no kvm events {string.Join(", ", missing)} (is the kvm module loaded?)";
            return null;
        }
        var name = $"vmspec-{Environment.ProcessId}-{Interlocked.Increment(ref _instanceCounter)}";
        var instance = Path.Combine(traceFs.Root, "instances", name);
        bool monotonicClock;
        try
        {
            Directory.CreateDirectory(instance);
            monotonicClock = TrySetMonotonicClock(instance);
            File.WriteAllText(Path.Combine(instance, "events", "kvm", MsrEvent, "filter"), $"ecx == 0x{KvmPvMsrs.AsyncPfAck:x}");
            if (threadIds.Count > 0)
                File.WriteAllText(Path.Combine(instance, "set_event_pid"), string.Join(' ', threadIds));
            foreach (var traceEvent in Events)
                File.WriteAllText(Path.Combine(instance, "events", "kvm", traceEvent, "enable"), "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryRemoveInstance(instance);
            traceFs.Dispose();
            unavailableReason = $"cannot set up trace instance {name}: {e.Message}";
            return null;
        }
        unavailableReason = null;
        return new KvmTraceSession(traceFs, instance, monotonicClock);
    }

    /// <summary>Stops recording and parses what the instance recorded.</summary>
    public KvmTraceRecord Stop()
    {
        DisableEvents();
        return KvmTraceRecord.Parse(File.ReadLines(Path.Combine(_instance, "trace"))) with { MonotonicClock = _monotonicClock };
    }

    /// <summary>Older kernels or a locked-down tracefs may refuse <c>mono</c>: the trace then still counts, it only cannot be aligned.</summary>
    private static bool TrySetMonotonicClock(string instance)
    {
        try
        {
            File.WriteAllText(Path.Combine(instance, "trace_clock"), "mono");
            return File.ReadAllText(Path.Combine(instance, "trace_clock")).Contains("[mono]", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            DisableEvents();
        }
        finally
        {
            // Even when tracing_on cannot be written, the instance and a private mount must not outlive the session.
            TryRemoveInstance(_instance);
            _traceFs.Dispose();
        }
    }

    private void DisableEvents()
    {
        if (_stopped)
            return;
        _stopped = true;
        File.WriteAllText(Path.Combine(_instance, "tracing_on"), "0");
    }

    private static void TryRemoveInstance(string instance)
    {
        try
        {
            if (Directory.Exists(instance))
                Directory.Delete(instance); // tracefs removes an instance with a plain rmdir
        }
        catch (IOException)
        {
            // Busy (a reader still has it open): the kernel keeps it; nothing else to do.
        }
    }
}
