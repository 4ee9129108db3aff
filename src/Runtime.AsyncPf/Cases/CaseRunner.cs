using System.Diagnostics;
using Vmspec.Runtime.AsyncPf.Evidence;
using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Building;
using Vmspec.Runtime.Host;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Running;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>
/// Runs one case on this host and judges it: builds the machine, runs the guest on its own thread (host trace
/// evidence filtered to it for async-pf), then the program's checks, the ABI canary, and the stated expectations
/// of this host's flavour. A guest that fails becomes failed checks carrying the run's registers and disassembly.
/// When async #PF delivery is expected, the userfaultfd slot holds each missing page until the guest's #PF handler
/// releases it (the handshake <see cref="AsyncPfChecks"/> verifies), for at most <see cref="HoldBound"/>.
/// </summary>
public static class CaseRunner
{
    private static readonly TimeSpan MaxHoldBound = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a missing page waits for the guest's release: a quarter of the case's timeout, at most 5 s. The
    /// slot stops holding after one expiry, so a guest that never releases still ends well within its timeout.
    /// </summary>
    public static TimeSpan HoldBound(TimeSpan caseTimeout) => caseTimeout / 4 < MaxHoldBound ? caseTimeout / 4 : MaxHoldBound;

    public static CaseResult Run(CaseDefinition definition, HostReport host)
    {
        string guest = CaseMachine.ProgramName(definition.Program);
        if (!host.Available)
            return CaseResult.Skipped(definition.Name, guest, host.Reason);
        var clock = Stopwatch.StartNew();
        CaseMachine machine;
        try
        {
            machine = CaseMachine.Plan(definition);
        }
        catch (ArgumentException e)
        {
            return Finish(definition, guest, [new Check("case definition", Outcome.Failed, "a runnable case", e.Message)], AsyncPfCounts.None, clock);
        }

        try
        {
            using Vm vm = VmBuilder.Build(machine.ToConfig(definition));
            return Judge(definition, guest, machine, vm, host.Flavour, clock);
        }
        catch (Exception e) when (e is KvmException or InvalidOperationException or ArgumentException)
        {
            return Finish(definition, guest, [new Check("vm setup and run", Outcome.Failed, "a verdict", e.Message)], AsyncPfCounts.None, clock);
        }
    }

    private static CaseResult Judge(CaseDefinition definition, string guest, CaseMachine machine, Vm vm, KvmFlavour flavour, Stopwatch clock)
    {
        var oracleHost = OracleWiring.Host(definition.Machine, vm.Cpuid!, machine.Ram);
        bool traced = definition.Program == CaseProgram.AsyncPf;
        DeliveryExpectation? delivery = definition.AsyncPf is { Workload: not null } apf && traced
            ? AsyncPfChecks.ExpectDelivery(apf, flavour, oracleHost)
            : null;
        if (delivery is { Delivered: true } && vm.UserfaultSlot is { } slot)
            slot.HoldUntilReleased(HoldBound(definition.Timeout));
        string? traceUnavailable = null;
        RunResult run = VcpuThread.Run(vm, tid => traced ? KvmTraceSession.TryStart([tid], out traceUnavailable) : null, out var trace);
        KvmTraceRecord? record;
        using (trace)
            record = trace?.Stop();

        var observed = GuestObservations.Parse(run.Events);
        var checks = new List<Check>();
        switch (definition.Program)
        {
            case CaseProgram.Minimal:
                checks.AddRange(MinimalProgram.Verify(run, vm.Cpuid!.PvFeatures));
                break;
            case CaseProgram.MsrProtocol:
                checks.AddRange(MsrProtocolChecks.Verify(definition.Accesses, oracleHost, run, observed, out var oracle));
                checks.AddRange(MsrProtocolChecks.HostView(definition.Accesses, observed, oracle, oracleHost, msr => vm.GetMsrs(msr)[0]));
                break;
            default:
                var setup = definition.AsyncPf!;
                var input = new AsyncPfRun(setup, flavour, oracleHost, run, vm.UserfaultSlot?.Events ?? [], vm.UserfaultSlot?.HoldBound);
                checks.AddRange(AsyncPfChecks.Verify(input, observed));
                checks.AddRange(TraceChecks.Compare(record, traceUnavailable, delivery?.Delivered ?? false, observed));
                if (vm.UserfaultSlot?.Failure is { } resolverFailure)
                    checks.Add(new Check("userfaultfd resolver", Outcome.Failed, "no error", resolverFailure.Message));
                break;
        }

        bool? canaryIntact = null;
        if (definition.Program != CaseProgram.Minimal)
        {
            var (check, intact) = CanaryCheck(machine.Canary, vm);
            checks.Add(check);
            canaryIntact = intact;
        }
        var counts = definition.Program == CaseProgram.Minimal ? AsyncPfCounts.None : observed.Counts;
        var pairing = TokenPairing.Analyze(observed.NotPresents, observed.Interrupts);
        checks.AddRange(ExpectationChecks.Compare(ExpectationChecks.For(definition, flavour), flavour, counts, pairing, observed.Interrupts, canaryIntact));
        return Finish(definition, guest, checks, counts, clock) with { Events = traced ? CaseEvents.Collect(run, record) : [] };
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

    private static CaseResult Finish(CaseDefinition definition, string guest, IReadOnlyList<Check> checks, AsyncPfCounts counts, Stopwatch clock)
    {
        var status = CaseResult.Summarize(checks);
        string? reason = status == Outcome.Failed ? $"failed: {checks.First(c => c.Status == Outcome.Failed).Name}" : null;
        return new CaseResult(definition.Name, guest, status, checks, counts, clock.Elapsed, reason);
    }
}
