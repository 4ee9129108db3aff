using System.Diagnostics;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.AsyncPf.Bench;

/// <summary>
/// Per-fault figures on the host's clock, so that a C program stamping its own exits measures the same spans:
/// <see cref="PeriodsMs"/>, from the exit the #PF handler makes for one fault to the next fault's (vmspec's guest:
/// the page release, its one exit per fault; the C guest: its 'page not present' report), the whole cost of a fault;
/// and <see cref="LatenciesMs"/>, from a fault's 'page not present' to the 'page ready' with its token as
/// <see cref="CaseEvents"/> places them (vmspec's guest defers both reports, so they sit at their guest TSC on the
/// host's clock; the C guest's are its report exits).
/// </summary>
public sealed record FaultExitTimes(IReadOnlyList<double> PeriodsMs, IReadOnlyList<double> LatenciesMs)
{
    public static FaultExitTimes None { get; } = new([], []);

    /// <summary>The figures of one run: its release exits and its guest events.</summary>
    public static FaultExitTimes Of(RunResult run) => Of(ReleaseExitsUs(run), CaseEvents.Collect(run, trace: null));

    /// <summary>
    /// The periods between successive release exits (µs on any one axis) and the latencies of the guest events (a
    /// 'page ready' pairs with the latest unpaired fault of its token).
    /// </summary>
    public static FaultExitTimes Of(IEnumerable<double> releaseExitsUs, IEnumerable<CaseEvent> events)
    {
        var releases = releaseExitsUs.ToList();
        var periods = releases.Zip(releases.Skip(1), (first, next) => (next - first) / 1000).ToList();
        var latencies = new List<double>();
        var waiting = new Dictionary<uint, double>();
        foreach (var e in events.Where(e => e.Source == CaseEvents.Guest))
        {
            if (e.Kind == CaseEvents.PageNotPresent)
                waiting[e.Token] = e.TimeUs;
            else if (e.Kind == CaseEvents.PageReady && waiting.Remove(e.Token, out double fault))
                latencies.Add((e.TimeUs - fault) / 1000);
        }
        return new FaultExitTimes(periods, latencies);
    }

    /// <summary>The figures of several runs side by side (no period spans two runs).</summary>
    public FaultExitTimes Concat(FaultExitTimes other) => new([.. PeriodsMs, .. other.PeriodsMs], [.. LatenciesMs, .. other.LatenciesMs]);

    private static IEnumerable<double> ReleaseExitsUs(RunResult run) =>
        run.EventTimestamps.Count != run.Events.Count ? []
            : run.Events.Select((e, i) => (e, i)).Where(p => p.e is GuestPageRelease)
                .Select(p => (double)run.EventTimestamps[p.i] / Stopwatch.Frequency * 1e6);
}
