using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.AsyncPf.Programs;

namespace Vmspec.Runtime.AsyncPf.Bench;

/// <summary>
/// Per-fault 'page not present' to 'page ready' latencies as the guest's TSC measures them, the same spans and the
/// fault-to-fault periods on the host's clock (<see cref="FaultExitTimes"/>), the wall time of the KVM_RUN loops that
/// served them and their exits (for per-fault costs comparable with a C program's), or why there are none.
/// </summary>
public sealed record FaultLatencyReport(int Faults, IReadOnlyList<double> SamplesMs, double? MedianMs, double? P99Ms, double RunMs, string? Unavailable)
{
    public FaultExitTimes OnHost { get; init; } = FaultExitTimes.None;

    /// <summary>KVM_RUN exits of the runs, from VM start to the guest's Done.</summary>
    public int Exits { get; init; }
}

/// <summary>
/// <c>vmspec bench</c>'s async #PF measurement: the prototype's workload (CPL3, IF=1, vector 0xec, data area at
/// the shared page) over N missing pages resolved with no delay, in runs of at most
/// <see cref="GuestVariables.MaxPages"/> pages; latencies as <see cref="FaultLatency"/> measures them.
/// </summary>
public static class FaultLatencyBench
{
    public const byte Vector = 0xec;

    public static FaultLatencyReport Run(int faults, HostReport host)
    {
        if (faults < 1)
            throw new ArgumentOutOfRangeException(nameof(faults), faults, "at least one fault");
        if (!host.Available)
            return new FaultLatencyReport(faults, [], null, null, 0, host.Reason);
        var samples = new List<double>();
        var onHost = FaultExitTimes.None;
        var runTime = TimeSpan.Zero;
        var exits = 0;
        for (var remaining = faults; remaining > 0; remaining -= GuestVariables.MaxPages)
        {
            var plan = Plan(Math.Min(remaining, GuestVariables.MaxPages));
            var machine = CaseMachine.Plan(plan, AsyncPfProgram.Instance);
            using Vm vm = VmBuilder.Build(machine.ToConfig(plan));
            var run = AsyncPfProgram.Instance.AfterRun(vm, vm.Run());
            if (!run.Succeeded)
                return new FaultLatencyReport(faults, [], null, null, 0, $"the guest did not complete: {run.Format()}");
            runTime += run.Elapsed;
            exits += run.Exits;
            onHost = onHost.Concat(FaultExitTimes.Of(run));
            samples.AddRange(FaultLatency.Compute(GuestObservations.Parse(run.Events), run.Elapsed).Select(l => l.Latency.TotalMilliseconds));
        }
        if (samples.Count == 0)
            return new FaultLatencyReport(faults, [], null, null, 0, "no fault was delivered as async #PF (see `vmspec verify` for why)");
        var sorted = samples.Order().ToArray();
        return new FaultLatencyReport(faults, samples, Percentile(sorted, 50), Percentile(sorted, 99), runTime.TotalMilliseconds, null)
        {
            OnHost = onHost,
            Exits = exits,
        };
    }

    /// <summary>Nearest-rank percentile of ascending samples.</summary>
    public static double Percentile(IReadOnlyList<double> ascending, double percent)
    {
        if (ascending.Count == 0)
            throw new ArgumentException("no samples", nameof(ascending));
        int rank = (int)Math.Ceiling(percent / 100 * ascending.Count);
        return ascending[Math.Clamp(rank, 1, ascending.Count) - 1];
    }

    internal static VmPlan Plan(int faults) => new(
        $"bench-fault-latency[pages={faults}]",
        new SpecInfo("bench-fault-latency", "vmspec bench: async #PF fault latency", []),
        Matrix: [],
        new MachinePlan(0x40_0000, Vcpus: 1, EnforcePvFeatureCpuid: false),
        CpuidPlan.HostOffers,
        new TestGuestPlan(TestProgram.AsyncPf, []),
        new AsyncPfPlan(Vector,
            AsyncPfEn.Value(0x6000, AsyncPfEnFlags.Enabled | AsyncPfEnFlags.DeliveryAsInt),
            RawEn: false,
            new FaultWorkload((uint)faults, ResolveDelayMs: 0, Cpl: 3, InterruptsEnabled: true)),
        CaseExpectations.Unchecked,
        TimeoutMs: 30_000);
}
