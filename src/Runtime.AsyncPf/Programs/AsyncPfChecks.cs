using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.Memory;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// What one async-pf run produced, for <see cref="AsyncPfChecks"/>: the run, and the userfaultfd slot's record of
/// each fault with the hold bound it used (null when it held no pages).
/// </summary>
public sealed record AsyncPfRun(AsyncPfPlan Setup, KvmFlavour Flavour, OracleHost Host, RunResult Run,
    IReadOnlyList<UserfaultEvent> Userfaults, TimeSpan? HoldBound);

/// <summary>Whether the faults of a workload arrive as async #PF events on this host, and the rules that say so.</summary>
public sealed record DeliveryExpectation(bool Delivered, IReadOnlyList<HostRule> Because);

/// <summary>
/// The host side of the <c>async-pf</c> guest: the setup writes against the oracle, the wakeup-all, whether the
/// faults were delivered as the DeliveryOracle predicts for this flavour, and per page the not-present, its
/// page-ready, the handshake that shows the guest ran while its page was missing, and the value read.
/// </summary>
public static class AsyncPfChecks
{
    /// <summary>
    /// Delivered when the DeliveryOracle says so for this flavour and the EN write is accepted. The case runner
    /// holds the missing pages for the handshake exactly when this is true.
    /// </summary>
    public static DeliveryExpectation ExpectDelivery(AsyncPfPlan setup, KvmFlavour flavour, OracleHost host)
    {
        var workload = setup.Workload ?? throw new ArgumentException("an async-pf setup has a workload", nameof(setup));
        bool enableAccepted = !new EnableProtocolOracle(host).Predict(MsrAccess.Write(KvmPvMsrs.AsyncPfEn, setup.EnValue)).GeneralProtection;
        if (!enableAccepted)
            return new(false, [HostRules.EnEnabledNeedsIntDelivery]);
        var prediction = DeliveryOracle.Predict(setup.EnValue, workload, cpl0IsEmulated: KvmFlavours.EmulatesCpl0(flavour));
        return new(prediction.Delivered, prediction.Because);
    }

    public static IReadOnlyList<Check> Verify(AsyncPfRun input, GuestObservations observed)
    {
        var setup = input.Setup;
        var workload = setup.Workload ?? throw new ArgumentException("an async-pf run has a workload", nameof(input));
        var checks = new List<Check> { RunCheck(input.Run) };
        var oracle = new EnableProtocolOracle(input.Host);
        if (setup.Vector is { } vector)
            checks.Add(SetupCheck(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfInt, vector), observed.SetupIntFault).Check);
        var enable = SetupCheck(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, setup.EnValue), observed.SetupEnFault);
        checks.Add(enable.Check);
        // The guest waits after an accepted non-zero EN write (AsyncPfGuest), before it touches a page.
        if (setup.EnValue != 0 && !enable.Prediction.GeneralProtection)
            oracle.Wait();
        checks.AddRange(WakeupChecks(oracle.WakeupAllsTaken, observed));

        var (delivered, rules) = ExpectDelivery(setup, input.Flavour, input.Host);
        string label = KvmFlavours.Name(input.Flavour);
        checks.Add(new Check($"delivery ({label}): async #PF delivered",
            delivered == observed.NotPresents.Count > 0 ? Outcome.Passed : Outcome.Failed,
            $"{(delivered ? "yes" : "no")} [{string.Join(", ", rules.Select(r => r.Id))}]",
            $"{(observed.NotPresents.Count > 0 ? "yes" : "no")}: {observed.NotPresents.Count} 'page not present', {observed.Counts.PageReady} 'page ready'"));

        var latencies = FaultLatency.Compute(observed, input.Run.Elapsed).ToDictionary(l => l.Token);
        for (int page = 0; page < (int)workload.Pages; page++)
        {
            if (delivered)
                checks.AddRange(PageDeliveryChecks(page, observed, setup.Vector ?? 0, latencies, input));
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
        checks.Add(Check.Compare("userfaultfd events", (int)workload.Pages, input.Userfaults.Count));
        if (setup.Vector is { } configured)
            checks.Add(StrayVectors(observed, configured));
        return checks;
    }

    internal static Check RunCheck(RunResult run) =>
        new("run: guest reached Done", run.Succeeded ? Outcome.Passed : Outcome.Failed, "Completed", run.Succeeded ? "Completed" : run.Format());

    private static (Check Check, MsrPrediction Prediction) SetupCheck(EnableProtocolOracle oracle, MsrAccess access, ulong? fault)
    {
        var prediction = oracle.Predict(access);
        string observed = fault is { } f ? new ObservedAccess(0, f, null).Outcome : "not reported";
        return (new Check($"setup: {access}", observed == prediction.Outcome ? Outcome.Passed : Outcome.Failed,
            $"{prediction.Outcome} [{string.Join(", ", prediction.Because.Select(r => r.Id))}]", observed), prediction);
    }

    /// <param name="taken">The wakeup-alls the oracle says the guest's handler consumes.</param>
    internal static IEnumerable<Check> WakeupChecks(int taken, GuestObservations observed)
    {
        yield return Check.Compare("wakeup-all: count (oracle)", taken, observed.Counts.WakeupAll);
        if (taken == 0)
            yield break;
        var first = observed.Interrupts.FirstOrDefault(i => i.Token != 0);
        yield return Check.Compare("wakeup-all: token of the first page-ready", $"0x{KvmVcpuPvApfData.WakeupAllToken:x}",
            first is null ? "none" : $"0x{first.Token:x}");
    }

    private static IEnumerable<Check> PageDeliveryChecks(int page, GuestObservations observed, byte vector,
        IReadOnlyDictionary<uint, FaultLatency> latencies, AsyncPfRun input)
    {
        var notPresent = page < observed.NotPresents.Count ? observed.NotPresents[page] : null;
        bool wellFormed = notPresent is { Flags: KvmVcpuPvApfData.ReasonPageNotPresent, ErrorCode: 0 } && notPresent.Cr2 is > 0 and <= uint.MaxValue;
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
        var fault = input.Userfaults.Where(u => u.PageIndex == (ulong)page).Cast<UserfaultEvent?>().FirstOrDefault();
        yield return WaitCheck(page, notPresent, fault, input.HoldBound, latencies.GetValueOrDefault(token));
    }

    /// <summary>
    /// The ordering property, proved by a handshake rather than by timing: after its 'page not present' the guest
    /// released the page with IF=1 (KVM's kvm_run.if_flag at that OUT), the host had kept the page missing until
    /// that release, and the page-ready for the token ended the guest's wait. Since the page-ready cannot precede
    /// the page, the guest ran with interrupts on while its page was missing. Spin iterations and latencies are
    /// figures shown with the verdict, never part of it.
    /// </summary>
    internal static Check WaitCheck(int page, ObservedNotPresent notPresent, UserfaultEvent? fault, TimeSpan? holdBound, FaultLatency? latency)
    {
        var problems = new List<string>();
        if (notPresent.Release is not { } release)
            problems.Add("the guest released no page after this 'page not present'");
        else
        {
            if (release.Page != (uint)page)
                problems.Add($"the guest released page {release.Page}, not page {page}");
            if (!release.InterruptsEnabled)
                problems.Add("IF was 0 at the guest's release (kvm_run.if_flag)");
        }
        if (fault is not { } f)
            problems.Add($"no userfaultfd fault on page {page}");
        else if (f.Resolution != UserfaultResolution.Released)
            problems.Add(f.Resolution switch
            {
                UserfaultResolution.HoldExpired =>
                    $"the guest never released page {page}: the host resolved it without the handshake when its {Seconds(holdBound)} hold bound ran out",
                UserfaultResolution.HoldAbandoned =>
                    $"the host resolved page {page} without the handshake: it had stopped holding pages after an earlier page's hold bound ran out",
                _ => $"the host did not hold page {page} for the handshake (resolved after the delay alone)",
            });
        if (notPresent.WaitEndedByPageReady is not true)
            problems.Add(notPresent.WaitEndedByPageReady is null
                ? "the guest did not report how its wait ended"
                : "the guest's wait ended by its hang guard, not by the page-ready for its token");

        var figures = new List<string> { $"{notPresent.SpinIterations ?? 0} spin iteration(s)" };
        if (latency is not null)
            figures.Add($"page-ready {latency.Cycles} TSC cycles (~{latency.Latency.TotalMilliseconds:0.000} ms) after the #PF");
        if (fault is { Released: { } releasedAt } r && r.Resolution == UserfaultResolution.Released)
            figures.Add($"page resolved {(r.Resolved - releasedAt).TotalMilliseconds:0.000} ms after the release");
        string observed = problems.Count == 0
            ? $"released page {page} with IF=1 while the host held it missing; its page-ready ended the wait"
            : string.Join("; ", problems);
        return new Check($"page {page}: guest kept running while it waited (handshake)", problems.Count == 0 ? Outcome.Passed : Outcome.Failed,
            "with IF=1 after its 'page not present' the guest released the page the host kept missing until then; its page-ready ended the wait",
            observed, string.Join(", ", figures));
    }

    private static string Seconds(TimeSpan? bound) => bound is { } b ? $"{b.TotalSeconds:0.###} s" : "(no)";

    private static Check StrayVectors(GuestObservations observed, byte configured)
    {
        var stray = observed.Interrupts.Where(i => i.Vector != configured).ToArray();
        return new Check($"interrupts only on vector 0x{configured:x2}", stray.Length == 0 ? Outcome.Passed : Outcome.Failed, "none elsewhere",
            stray.Length == 0 ? "none elsewhere" : string.Join(", ", stray.Select(i => $"vector 0x{i.Vector:x2} token 0x{i.Token:x}")));
    }
}
