namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>
/// Per-fault latency from 'page not present' to its 'page ready', measured by the guest in TSC cycles and turned
/// into time with the TSC rate the run itself shows: guest cycles from its first instruction to Done over the
/// host's wall time of the same KVM_RUN loop (the two spans differ by one entry and one exit, microseconds in
/// runs of milliseconds). The run loop gives its events no timestamps, so this is the finest host-relatable clock.
/// </summary>
public sealed record FaultLatency(uint Token, ulong Cycles, TimeSpan Latency)
{
    /// <summary>Cycles per second of the guest TSC, or null when the run did not report both TSC readings.</summary>
    public static double? TscHz(GuestObservations observed, TimeSpan runElapsed) =>
        observed.StartTsc is { } start && observed.EndTsc is { } end && end > start && runElapsed > TimeSpan.Zero
            ? (end - start) / runElapsed.TotalSeconds
            : null;

    /// <summary>The latencies of the faults whose token was paired 1:1 with a page-ready, in fault order.</summary>
    public static IReadOnlyList<FaultLatency> Compute(GuestObservations observed, TimeSpan runElapsed)
    {
        if (TscHz(observed, runElapsed) is not { } hz)
            return [];
        var paired = TokenPairing.Analyze(observed.NotPresents, observed.Interrupts).Paired1To1.ToHashSet();
        return observed.NotPresents
            .Where(n => paired.Contains((uint)n.Cr2) && n.Cycles is not null)
            .Select(n => new FaultLatency((uint)n.Cr2, n.Cycles!.Value, TimeSpan.FromSeconds(n.Cycles.Value / hz)))
            .ToArray();
    }
}
