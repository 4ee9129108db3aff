namespace Vmspec.Runtime.AsyncPf.Bench;

/// <summary>
/// Per-fault figures on the host's clock, from the run loop's stamp of the exit that delivered each guest report
/// (<see cref="CaseEvents"/>), so that a C program stamping its own exits measures the same spans:
/// <see cref="PeriodsMs"/>, from one fault's 'page not present' to the next one's (the whole cost of a fault), and
/// <see cref="LatenciesMs"/>, from a fault's 'page not present' to the 'page ready' with its token.
/// </summary>
public sealed record FaultExitTimes(IReadOnlyList<double> PeriodsMs, IReadOnlyList<double> LatenciesMs)
{
    public static FaultExitTimes None { get; } = new([], []);

    /// <summary>The figures of one run's guest events (a 'page ready' pairs with the latest unpaired fault of its token).</summary>
    public static FaultExitTimes Of(IEnumerable<CaseEvent> events)
    {
        var periods = new List<double>();
        var latencies = new List<double>();
        var waiting = new Dictionary<uint, double>();
        double? lastFault = null;
        foreach (var e in events.Where(e => e.Source == CaseEvents.Guest))
        {
            if (e.Kind == CaseEvents.PageNotPresent)
            {
                if (lastFault is { } last)
                    periods.Add((e.TimeUs - last) / 1000);
                lastFault = e.TimeUs;
                waiting[e.Token] = e.TimeUs;
            }
            else if (e.Kind == CaseEvents.PageReady && waiting.Remove(e.Token, out double fault))
                latencies.Add((e.TimeUs - fault) / 1000);
        }
        return new FaultExitTimes(periods, latencies);
    }

    /// <summary>The figures of several runs side by side (no period spans two runs).</summary>
    public FaultExitTimes Concat(FaultExitTimes other) => new([.. PeriodsMs, .. other.PeriodsMs], [.. LatenciesMs, .. other.LatenciesMs]);
}
