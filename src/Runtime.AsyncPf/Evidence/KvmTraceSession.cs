namespace Vmspec.Runtime.AsyncPf.Evidence;

/// <summary>
/// Host-side evidence of async #PF: a private tracefs instance with the kvm:kvm_async_pf_* and
/// kvm:kvm_try_async_get_page events enabled, filtered to the given threads (the vCPU threads: the
/// 'not present' and 'ready' events fire there, so parallel VMs do not pollute each other's counts).
/// The global trace buffer is never touched.
/// </summary>
public sealed class KvmTraceSession : IDisposable
{
    public static readonly IReadOnlyList<string> Events =
    [
        "kvm_try_async_get_page", "kvm_async_pf_not_present", "kvm_async_pf_ready",
        "kvm_async_pf_completed", "kvm_async_pf_repeated_fault",
    ];

    private static int _instanceCounter;
    private readonly TraceFs _traceFs;
    private readonly string _instance;
    private bool _stopped;

    private KvmTraceSession(TraceFs traceFs, string instance)
    {
        _traceFs = traceFs;
        _instance = instance;
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
        try
        {
            Directory.CreateDirectory(instance);
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
        return new KvmTraceSession(traceFs, instance);
    }

    /// <summary>Stops recording and parses what the instance recorded.</summary>
    public KvmTraceRecord Stop()
    {
        DisableEvents();
        return KvmTraceRecord.Parse(File.ReadLines(Path.Combine(_instance, "trace")));
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
