using Vmspec.Runtime.AsyncPf.Bench;
using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Runtime.AsyncPf.Tests.Bench;

public class FaultExitTimesTests
{
    private static CaseEvent Guest(string kind, uint token, double timeUs) => new(kind, token, timeUs, CaseEvents.Guest);

    [Fact]
    public void Periods_run_from_each_release_exit_to_the_next_and_latencies_to_the_ready_of_the_same_token()
    {
        var times = FaultExitTimes.Of([120, 1120, 1620], [
            Guest(CaseEvents.WakeupAll, 0xffffffff, 0),
            Guest(CaseEvents.PageNotPresent, 0x1000, 100),
            Guest(CaseEvents.PageReady, 0x1000, 400),
            Guest(CaseEvents.PageNotPresent, 0x2000, 1100),
            Guest(CaseEvents.PageNotPresent, 0x3000, 1600),
            Guest(CaseEvents.PageReady, 0x3000, 1700),
            Guest(CaseEvents.PageReady, 0x2000, 2100),
        ]);
        Assert.Equal([1.0, 0.5], times.PeriodsMs);
        Assert.Equal([0.3, 0.1, 1.0], times.LatenciesMs);
    }

    [Fact]
    public void A_ready_without_its_fault_and_the_traces_events_are_not_counted()
    {
        var times = FaultExitTimes.Of([], [
            Guest(CaseEvents.PageReady, 0x1000, 50),
            new CaseEvent(CaseEvents.PageNotPresent, 0x1000, 90, CaseEvents.Trace),
            Guest(CaseEvents.PageNotPresent, 0x1000, 100),
            new CaseEvent(CaseEvents.PageReady, 0x1000, 150, CaseEvents.Trace),
            Guest(CaseEvents.PageReady, 0x1000, 300),
            Guest(CaseEvents.PageReady, 0x1000, 350),
        ]);
        Assert.Empty(times.PeriodsMs);
        Assert.Equal([0.2], times.LatenciesMs);
    }

    [Fact]
    public void Runs_side_by_side_keep_their_own_periods()
    {
        var first = FaultExitTimes.Of([0, 1000], []);
        var second = FaultExitTimes.Of([5000, 7000], []);
        Assert.Equal([1.0, 2.0], first.Concat(second).PeriodsMs);
    }
}
