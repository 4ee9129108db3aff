using System.Diagnostics;
using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.AsyncPf.Evidence;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>
/// One protocol event of a fault case on the case's time axis: <see cref="Kind"/> is one of <see cref="CaseEvents"/>'
/// kinds, <see cref="TimeUs"/> is microseconds after the case's first event, <see cref="Source"/> says who saw it:
/// <c>guest</c> (the guest's report: the run loop's stamp of its exit, or for a report the async-pf guest deferred,
/// its guest TSC placed on the same clock by <see cref="DeferredReports"/>) or <c>trace</c> (KVM's tracepoint).
/// </summary>
public sealed record CaseEvent(string Kind, uint Token, double TimeUs, string Source);

/// <summary>
/// Every token of a fault case in time order, from both witnesses where the trace shares the run loop's clock.
/// The guest reports its 'page not present' from the #PF handler and its page-ready after it has EOIed and
/// ACKed; KVM traces the injection of each and, through <c>kvm_msr</c>, each ACK write. An ACK names no token:
/// it acknowledges the page-ready KVM delivered before it, whose token it is given here.
/// </summary>
public static class CaseEvents
{
    public const string PageNotPresent = "page-not-present", PageReady = "page-ready", Ack = "ack", WakeupAll = "wakeup-all";
    public const string Guest = "guest", Trace = "trace";

    public static IReadOnlyList<CaseEvent> Collect(RunResult run, KvmTraceRecord? trace)
    {
        var events = new List<(string Kind, uint Token, double Seconds, string Source)>();
        if (run.EventTimestamps.Count == run.Events.Count)
        {
            for (int i = 0; i < run.Events.Count; i++)
            {
                if (run.Events[i] is GuestReport report && GuestEvent(report) is { } e)
                    events.Add((e.Kind, e.Token, (double)run.EventTimestamps[i] / Stopwatch.Frequency, Guest));
            }
        }
        if (trace is { MonotonicClock: true })
        {
            uint? lastReady = null;
            foreach (var e in trace.Timeline)
            {
                uint token = (uint)(e.Token ?? 0);
                string? kind = e.Name switch
                {
                    "kvm_async_pf_not_present" => PageNotPresent,
                    "kvm_async_pf_ready" => token == KvmVcpuPvApfData.WakeupAllToken ? WakeupAll : PageReady,
                    KvmTraceSession.MsrEvent => Ack,
                    _ => null,
                };
                if (kind is null)
                    continue;
                if (kind is PageReady or WakeupAll)
                    lastReady = token;
                events.Add((kind, kind == Ack ? lastReady ?? 0 : token, e.TimestampSeconds, Trace));
            }
        }
        if (events.Count == 0)
            return [];
        double origin = events.Min(e => e.Seconds);
        return events
            .Select(e => new CaseEvent(e.Kind, e.Token, Math.Round((e.Seconds - origin) * 1e6, 1), e.Source))
            .OrderBy(e => e.TimeUs)
            .ToList();
    }

    private static (string Kind, uint Token)? GuestEvent(GuestReport report)
    {
        uint token = (uint)report.Value;
        return report.Kind switch
        {
            GuestReports.NotPresentCr2 => (PageNotPresent, token),
            GuestReports.Interrupt when token == KvmVcpuPvApfData.WakeupAllToken => (WakeupAll, token),
            GuestReports.Interrupt when token != 0 => (PageReady, token),
            _ => null,
        };
    }
}
