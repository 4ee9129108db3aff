using System.Diagnostics;
using Vmspec.Abi.Kvm;
using Vmspec.Runtime.AsyncPf.Evidence;
using Vmspec.Runtime.Kvm;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>
/// Runs one case of a generated guest on this host and judges it: builds the machine, runs the guest on its own
/// thread (with host trace evidence filtered to it when the program wants it), then the program's checks, the ABI
/// canary, and the stated expectations of this host's flavour. A guest that fails becomes failed checks carrying
/// the run's registers and disassembly.
/// </summary>
public static class CaseRunner
{
    private static readonly TimeSpan MaxHoldBound = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a missing page waits for the guest's release: a quarter of the case's timeout, at most 5 s. The
    /// slot stops holding after one expiry, so a guest that never releases still ends well within its timeout.
    /// </summary>
    public static TimeSpan HoldBound(TimeSpan caseTimeout) => caseTimeout / 4 < MaxHoldBound ? caseTimeout / 4 : MaxHoldBound;

    public static CaseResult Run(VmPlan plan, GeneratedProgram program, HostReport host)
    {
        if (!host.Available)
            return CaseResult.Skipped(plan.Name, program.Name, host.Reason);
        var clock = Stopwatch.StartNew();
        CaseMachine machine;
        try
        {
            machine = CaseMachine.Plan(plan, program);
        }
        catch (ArgumentException e)
        {
            return Finish(plan, program, [new Check("case definition", Outcome.Failed, "a runnable case", e.Message)], AsyncPfCounts.None, clock);
        }

        try
        {
            using Vm vm = VmBuilder.Build(machine.ToConfig(plan));
            return Judge(plan, program, machine, vm, new HostIdentity(host.Flavour, host.KernelRelease), clock);
        }
        catch (Exception e) when (e is KvmException or InvalidOperationException or ArgumentException)
        {
            return Finish(plan, program, [new Check("vm setup and run", Outcome.Failed, "a verdict", e.Message)], AsyncPfCounts.None, clock);
        }
    }

    private static CaseResult Judge(VmPlan plan, GeneratedProgram program, CaseMachine machine, Vm vm, HostIdentity identity, Stopwatch clock)
    {
        var oracleHost = OracleWiring.Host(plan.Machine, vm.Cpuid!, machine.Ram);
        program.BeforeRun(plan, identity.Flavour, oracleHost, vm);
        string? traceUnavailable = null;
        RunResult run = program.AfterRun(vm,
            VcpuThread.Run(vm, tid => program.Traced ? KvmTraceSession.TryStart([tid], out traceUnavailable) : null, out var trace));
        KvmTraceRecord? record;
        using (trace)
            record = trace?.Stop();

        var observed = GuestObservations.Parse(run.Events);
        var checks = program.Verify(new ProgramRun(plan, identity, oracleHost, vm, run, observed, record, traceUnavailable)).ToList();
        bool? canaryIntact = null;
        if (program.SpeaksAsyncPf)
        {
            var (check, intact) = CanaryCheck(machine.Canary, vm);
            checks.Add(check);
            canaryIntact = intact;
        }
        var counts = program.SpeaksAsyncPf ? observed.Counts : AsyncPfCounts.None;
        var pairing = TokenPairing.Analyze(observed.NotPresents, observed.Interrupts);
        checks.AddRange(ExpectationChecks.Compare(plan.Expect, identity, counts, pairing, observed.Interrupts, canaryIntact));
        return Finish(plan, program, checks, counts, clock) with { Events = program.Traced ? CaseEvents.Collect(run, record) : [] };
    }

    private static (Check Check, bool? Intact) CanaryCheck(AbiCanary canary, Vm vm)
    {
        const string name = "abi: host wrote only bytes 0-7";
        if (canary.Bytes.Count == 0)
            return (Check.Skip(name, "canary intact", canary.Describe()), null);
        var changed = canary.Changed(gpa => vm.Memory.Span(gpa, 1)[0]);
        string observed = changed.Count == 0 ? "intact"
            : $"{changed.Count} byte(s) changed: {string.Join("; ", changed.Take(16))}{(changed.Count > 16 ? "; ..." : "")}";
        return (new Check(name, changed.Count == 0 ? Outcome.Passed : Outcome.Failed, canary.Describe(), observed), changed.Count == 0);
    }

    private static CaseResult Finish(VmPlan plan, GeneratedProgram program, IReadOnlyList<Check> checks, AsyncPfCounts counts, Stopwatch clock)
    {
        var status = CaseResult.Summarize(checks);
        string? reason = status == Outcome.Failed ? $"failed: {checks.First(c => c.Status == Outcome.Failed).Name}" : null;
        return new CaseResult(plan.Name, program.Name, status, checks, counts, clock.Elapsed, reason);
    }
}
