using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.AsyncPf.Protocol;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Building;
using Vmspec.Runtime.Host;

namespace Vmspec.Runtime.AsyncPf.Bench;

/// <summary>Per-fault 'page not present' to 'page ready' latencies of one run, or why there are none.</summary>
public sealed record FaultLatencyReport(int Faults, IReadOnlyList<double> SamplesMs, double? MedianMs, double? P99Ms, string? Unavailable);

/// <summary>
/// <c>vmspec bench</c>'s async #PF measurement: the prototype's workload (CPL3, IF=1, vector 0xec, data area at
/// the shared page) over N missing pages resolved with no delay; latencies as <see cref="FaultLatency"/> measures them.
/// </summary>
public static class FaultLatencyBench
{
    public const byte Vector = 0xec;

    public static FaultLatencyReport Run(int faults, HostReport host)
    {
        if (faults is < 1 or > GuestVariables.MaxPages)
            throw new ArgumentOutOfRangeException(nameof(faults), faults, $"1-{GuestVariables.MaxPages} faults per run");
        if (!host.Available)
            return new FaultLatencyReport(faults, [], null, null, host.Reason);
        var definition = Definition(faults);
        var machine = CaseMachine.Plan(definition);
        using Vm vm = VmBuilder.Build(machine.ToConfig(definition));
        var run = vm.Run();
        if (!run.Succeeded)
            return new FaultLatencyReport(faults, [], null, null, $"the guest did not complete: {run.Format()}");
        var samples = FaultLatency.Compute(GuestObservations.Parse(run.Events), run.Elapsed)
            .Select(l => l.Latency.TotalMilliseconds).ToArray();
        if (samples.Length == 0)
            return new FaultLatencyReport(faults, [], null, null, "no fault was delivered as async #PF (see `vmspec verify` for why)");
        var sorted = samples.Order().ToArray();
        return new FaultLatencyReport(faults, samples, Percentile(sorted, 50), Percentile(sorted, 99), null);
    }

    /// <summary>Nearest-rank percentile of ascending samples.</summary>
    public static double Percentile(IReadOnlyList<double> ascending, double percent)
    {
        if (ascending.Count == 0)
            throw new ArgumentException("no samples", nameof(ascending));
        int rank = (int)Math.Ceiling(percent / 100 * ascending.Count);
        return ascending[Math.Clamp(rank, 1, ascending.Count) - 1];
    }

    internal static CaseDefinition Definition(int faults) => new(
        $"bench-fault-latency[pages={faults}]",
        CaseProgram.AsyncPf,
        new MachineDefinition(0x40_0000, EnforcePvFeatureCpuid: false, CpuidEdits: []),
        Accesses: [],
        new AsyncPfSetup(Vector,
            AsyncPfEnable.Value(0x6000, AsyncPfEnableBits.Enabled | AsyncPfEnableBits.DeliveryAsInt),
            new FaultWorkloadDefinition(faults, TimeSpan.Zero, Cpl: 3, InterruptsEnabled: true)),
        EventExpectation.None,
        EventExpectation.None,
        TimeSpan.FromSeconds(30));
}
