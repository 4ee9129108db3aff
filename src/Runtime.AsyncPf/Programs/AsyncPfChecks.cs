using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Protocol;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Host;
using Vmspec.Runtime.Running;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>What one async-pf run produced, for <see cref="AsyncPfChecks"/>.</summary>
public sealed record AsyncPfRun(AsyncPfSetup Setup, KvmFlavour Flavour, OracleHost Host, RunResult Run, int UserfaultEvents);

/// <summary>
/// The host side of the <c>async-pf</c> guest: the setup writes against the oracle, the wakeup-all, whether the
/// faults were delivered as the DeliveryOracle predicts for this flavour, and per page the not-present, its
/// page-ready, that the guest ran while waiting, and the value read.
/// </summary>
public static class AsyncPfChecks
{
    public static IReadOnlyList<Check> Verify(AsyncPfRun input, GuestObservations observed)
    {
        var setup = input.Setup;
        var workload = setup.Workload ?? throw new ArgumentException("an async-pf run has a workload", nameof(input));
        var checks = new List<Check> { RunCheck(input.Run) };
        var oracle = new EnableProtocolOracle(input.Host);
        if (setup.Vector is { } vector)
            checks.Add(SetupCheck(oracle, MsrAccess.Write(AsyncPfMsrs.Interrupt, vector), observed.SetupIntFault));
        var enable = SetupCheck(oracle, MsrAccess.Write(AsyncPfMsrs.Enable, setup.EnableValue), observed.SetupEnFault, out bool enableAccepted);
        checks.Add(enable);
        checks.AddRange(WakeupChecks(oracle.WakeupAllQueued, observed));

        var prediction = DeliveryOracle.Predict(new FaultWorkload(setup.EnableValue, workload.Cpl, workload.InterruptsEnabled),
            cpl0IsEmulated: input.Flavour == KvmFlavour.KvmPvm);
        bool delivered = prediction.Delivered && enableAccepted;
        var rules = enableAccepted ? prediction.Because : [HostRules.EnEnabledNeedsIntDelivery];
        string label = ExpectationChecks.Label(input.Flavour);
        checks.Add(new Check($"delivery ({label}): async #PF delivered",
            delivered == observed.NotPresents.Count > 0 ? Outcome.Passed : Outcome.Failed,
            $"{(delivered ? "yes" : "no")} [{string.Join(", ", rules.Select(r => r.Id))}]",
            $"{(observed.NotPresents.Count > 0 ? "yes" : "no")}: {observed.NotPresents.Count} 'page not present', {observed.Counts.PageReady} 'page ready'"));

        var latencies = FaultLatency.Compute(observed, input.Run.Elapsed).ToDictionary(l => l.Token);
        for (int page = 0; page < workload.Pages; page++)
        {
            if (delivered)
                checks.AddRange(PageDeliveryChecks(page, observed, setup.Vector ?? 0, latencies));
            ulong? value = page < observed.PageValues.Count ? observed.PageValues[page] : null;
            checks.Add(Check.Compare($"page {page}: value read", $"0x{PagePattern.Quadword((ulong)page):x}",
                value is { } v ? $"0x{v:x}" : "not reported"));
        }
        if (delivered)
        {
            var pairing = TokenPairing.Analyze(observed.NotPresents, observed.Interrupts);
            checks.Add(new Check("tokens paired exactly once", pairing.Paired ? Outcome.Passed : Outcome.Failed,
                $"{workload.Pages} token(s) paired 1:1", pairing.Describe()));
        }
        else
        {
            checks.Add(Check.Compare("not delivered: no 'page not present'", 0, observed.NotPresents.Count));
            checks.Add(Check.Compare("not delivered: no 'page ready'", 0, observed.Counts.PageReady));
        }
        checks.Add(Check.Compare("ACK writes = page-ready interrupts", (ulong)(observed.Counts.PageReady + observed.Counts.WakeupAll),
            observed.AckCount ?? 0));
        checks.Add(Check.Compare("touches completed", (ulong)workload.Pages, observed.TouchesDone ?? 0));
        checks.Add(Check.Compare("userfaultfd events", workload.Pages, input.UserfaultEvents));
        if (setup.Vector is { } configured)
            checks.Add(StrayVectors(observed, configured));
        return checks;
    }

    internal static Check RunCheck(RunResult run) =>
        new("run: guest reached Done", run.Succeeded ? Outcome.Passed : Outcome.Failed, "Completed", run.Succeeded ? "Completed" : run.Format());

    private static Check SetupCheck(EnableProtocolOracle oracle, MsrAccess access, ulong? fault) =>
        SetupCheck(oracle, access, fault, out _);

    private static Check SetupCheck(EnableProtocolOracle oracle, MsrAccess access, ulong? fault, out bool predictedAccepted)
    {
        var prediction = oracle.Predict(access);
        predictedAccepted = !prediction.GeneralProtection;
        string observed = fault is { } f ? new ObservedAccess(0, f, null).Outcome : "not reported";
        return new Check($"setup: {access}", observed == prediction.Outcome ? Outcome.Passed : Outcome.Failed,
            $"{prediction.Outcome} [{string.Join(", ", prediction.Because.Select(r => r.Id))}]", observed);
    }

    internal static IEnumerable<Check> WakeupChecks(int queued, GuestObservations observed)
    {
        yield return Check.Compare("wakeup-all: count (oracle)", queued, observed.Counts.WakeupAll);
        if (queued == 0)
            yield break;
        var first = observed.Interrupts.FirstOrDefault(i => i.Token != 0);
        yield return Check.Compare("wakeup-all: token of the first page-ready", $"0x{ApfReason.WakeupAllToken:x}",
            first is null ? "none" : $"0x{first.Token:x}");
    }

    private static IEnumerable<Check> PageDeliveryChecks(int page, GuestObservations observed, byte vector,
        IReadOnlyDictionary<uint, FaultLatency> latencies)
    {
        var notPresent = page < observed.NotPresents.Count ? observed.NotPresents[page] : null;
        bool wellFormed = notPresent is { Flags: ApfReason.PageNotPresent, ErrorCode: 0 } && notPresent.Cr2 is > 0 and <= uint.MaxValue;
        yield return new Check($"page {page}: 'page not present' with flags=1, error code 0, CR2=token",
            wellFormed ? Outcome.Passed : Outcome.Failed, "flags 0x1, error code 0x0, CR2 a 32-bit token",
            notPresent is null ? "none" : $"flags 0x{notPresent.Flags:x}, error code 0x{notPresent.ErrorCode:x}, CR2 0x{notPresent.Cr2:x}");
        if (notPresent is null)
            yield break;
        uint token = (uint)notPresent.Cr2;
        var ready = observed.Interrupts.Where(i => i.Token == token).ToArray();
        yield return new Check($"page {page}: page-ready on vector 0x{vector:x2} with the same token",
            ready.Length == 1 && ready[0].Vector == vector ? Outcome.Passed : Outcome.Failed,
            $"1 on vector 0x{vector:x2} with token 0x{token:x}",
            $"{ready.Length} with token 0x{token:x}{(ready.Length > 0 ? " on " + string.Join(", ", ready.Select(r => $"0x{r.Vector:x2}")) : "")}");
        ulong spin = notPresent.SpinIterations ?? 0;
        string latency = latencies.TryGetValue(token, out var l)
            ? $", page-ready {l.Cycles} TSC cycles (~{l.Latency.TotalMilliseconds:0.000} ms) after the #PF"
            : "";
        yield return new Check($"page {page}: guest kept running while it waited",
            spin >= 2 && ready.Length > 0 ? Outcome.Passed : Outcome.Failed,
            ">= 2 spin iterations with interrupts on before the page-ready",
            $"{spin} iteration(s){latency}");
    }

    private static Check StrayVectors(GuestObservations observed, byte configured)
    {
        var stray = observed.Interrupts.Where(i => i.Vector != configured).ToArray();
        return new Check($"interrupts only on vector 0x{configured:x2}", stray.Length == 0 ? Outcome.Passed : Outcome.Failed, "none elsewhere",
            stray.Length == 0 ? "none elsewhere" : string.Join(", ", stray.Select(i => $"vector 0x{i.Vector:x2} token 0x{i.Token:x}")));
    }
}
