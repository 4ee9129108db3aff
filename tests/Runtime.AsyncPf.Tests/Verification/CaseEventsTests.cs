using System.Diagnostics;
using Vmspec.Runtime.AsyncPf.Evidence;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Running;

namespace Vmspec.Runtime.AsyncPf.Tests.Verification;

public class CaseEventsTests
{
    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static RunResult Run(params (GuestEvent Event, double Seconds)[] events) =>
        new(RunVerdict.Completed, "", events.Select(e => e.Event).ToList(), null, TimeSpan.FromMilliseconds(1), events.Length)
        {
            EventTimestamps = events.Select(e => Ticks(e.Seconds)).ToList(),
        };

    private static KvmTraceRecord Trace(bool monotonic, params KvmTraceEvent[] events) =>
        new(new Dictionary<string, int>(), [], []) { Timeline = events, MonotonicClock = monotonic };

    [Fact]
    public void Guest_reports_and_monotonic_trace_share_one_axis_from_the_first_event_and_an_ACK_takes_the_token_before_it()
    {
        var run = Run(
            (new GuestReport(GuestReports.NotPresentCr2, 0x1000), 10.000200),
            (new GuestReport(GuestReports.PageValue, 7), 10.000300),
            (new GuestReport(GuestReports.Interrupt, 0xecUL << 32 | 0x1000), 10.002100),
            (new GuestReport(GuestReports.Interrupt, 0xecUL << 32), 10.002200));
        var trace = Trace(true,
            new KvmTraceEvent("kvm_async_pf_not_present", 10.000100, 0x1000),
            new KvmTraceEvent("kvm_try_async_get_page", 10.000090, null),
            new KvmTraceEvent("kvm_async_pf_ready", 10.002000, 0x1000),
            new KvmTraceEvent(KvmTraceSession.MsrEvent, 10.002050, null));

        Assert.Equal(
            [
                new CaseEvent(CaseEvents.PageNotPresent, 0x1000, 0, CaseEvents.Trace),
                new CaseEvent(CaseEvents.PageNotPresent, 0x1000, 100, CaseEvents.Guest),
                new CaseEvent(CaseEvents.PageReady, 0x1000, 1900, CaseEvents.Trace),
                new CaseEvent(CaseEvents.Ack, 0x1000, 1950, CaseEvents.Trace),
                new CaseEvent(CaseEvents.PageReady, 0x1000, 2000, CaseEvents.Guest),
            ],
            CaseEvents.Collect(run, trace));
    }

    [Fact]
    public void A_trace_on_another_clock_is_left_out_and_the_wakeup_all_is_its_own_kind()
    {
        var run = Run((new GuestReport(GuestReports.Interrupt, 0xecUL << 32 | 0xffffffff), 3.5));
        var trace = Trace(false, new KvmTraceEvent("kvm_async_pf_ready", 99.0, 0xffffffff));

        Assert.Equal([new CaseEvent(CaseEvents.WakeupAll, 0xffffffff, 0, CaseEvents.Guest)], CaseEvents.Collect(run, trace));
        Assert.Empty(CaseEvents.Collect(Run(), null));
    }
}
