using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// The host side of the <c>msr-protocol</c> guest: each access against the oracle (or the spec's explicit
/// expectation), each wait's page-ready, the interrupts and wakeup-alls of the whole run, the token left in the slot,
/// and KVM's own view of EN/INT after the run. A mismatch's observed text names MSR, value, CPUID bits, enforcement
/// and both outcomes, so it stands alone.
/// </summary>
public static class MsrProtocolChecks
{
    /// <summary>The guest checks; returns the oracle in its final state for the host-view check.</summary>
    public static IReadOnlyList<Check> Verify(IReadOnlyList<MsrAccess> accesses, OracleHost host, RunResult run,
        GuestObservations observed, out EnableProtocolOracle oracle)
    {
        oracle = new EnableProtocolOracle(host);
        var checks = new List<Check> { AsyncPfChecks.RunCheck(run) };
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var interrupts = new List<PredictedInterrupt>();
        var rules = new List<HostRule>();
        for (int i = 0; i < accesses.Count; i++)
        {
            var access = accesses[i];
            var prediction = oracle.Predict(access);
            string name = access.ToString();
            int seen = names[name] = names.GetValueOrDefault(name) + 1;
            if (seen > 1)
                name += $" (#{seen})";
            var reported = observed.Accesses.FirstOrDefault(a => a.Index == i);
            checks.Add(AccessCheck(name, access, prediction, reported, host));
            if (!access.Wait)
                continue;
            var wait = oracle.Wait();
            interrupts.AddRange(wait.Interrupts);
            rules.AddRange(wait.Because);
            checks.Add(WaitCheck(name, access, wait, reported));
        }
        checks.AddRange(AsyncPfChecks.WakeupChecks(oracle.WakeupAllsTaken, observed));
        var distinct = rules.Distinct().ToArray();
        checks.Add(InterruptsCheck(interrupts, observed.Interrupts, distinct));
        checks.Add(SlotCheck(oracle.SlotToken, observed.SlotToken, distinct));
        var otherTokens = observed.Interrupts.Where(i => i.Token != 0 && !i.IsWakeupAll).ToArray();
        checks.Add(new Check("page-ready tokens are all 0xffffffff (nothing faults here)", otherTokens.Length == 0 ? Outcome.Passed : Outcome.Failed,
            "only wakeup-all", otherTokens.Length == 0 ? "only wakeup-all" : string.Join(", ", otherTokens.AsEnumerable())));
        return checks;
    }

    /// <summary>
    /// Whether a page-ready (an interrupt whose handler found a token) arrived while the guest waited after the access:
    /// the spec's <see cref="MsrAccess.ExpectPageReady"/>, else the oracle. The iterations are a figure.
    /// </summary>
    internal static Check WaitCheck(string name, MsrAccess access, WaitPrediction wait, ObservedAccess? observed)
    {
        bool expect = access.ExpectPageReady ?? wait.PageReady;
        string because = $"[{string.Join(", ", wait.Because.Select(rule => rule.Id))}]";
        string expected = access.ExpectPageReady is null
            ? $"{PageReady(expect)} {because}"
            : $"{PageReady(expect)} (spec; oracle: {PageReady(wait.PageReady)} {because})";
        if (observed?.WaitIterations is not { } iterations)
            return new Check($"{name}: wait", Outcome.Failed, expected, "the wait was not reported") { Rules = wait.Because };
        var taken = observed.WaitInterrupts ?? [];
        string seen = taken.Count == 0 ? PageReady(observed.PageReadyArrived)
            : $"{PageReady(observed.PageReadyArrived)}: {string.Join(", ", taken)}";
        return new Check($"{name}: wait", observed.PageReadyArrived == expect ? Outcome.Passed : Outcome.Failed, expected, seen,
            $"{iterations} iteration(s)") { Rules = wait.Because };
    }

    /// <summary>Every interrupt of the run in order, token and vector, as the oracle's waits predict them.</summary>
    internal static Check InterruptsCheck(IReadOnlyList<PredictedInterrupt> predicted, IReadOnlyList<ObservedInterrupt> observed,
        IReadOnlyList<HostRule> rules)
    {
        string expected = predicted.Count == 0 ? "none" : string.Join(", ", predicted);
        string seen = observed.Count == 0 ? "none" : string.Join(", ", observed);
        return new Check("interrupts (oracle)", expected == seen ? Outcome.Passed : Outcome.Failed, expected, seen) { Rules = rules };
    }

    /// <summary>The token left at offset 4 of the guest's data area at the end; none when the guest recorded no area.</summary>
    internal static Check SlotCheck(uint? predicted, ulong? observed, IReadOnlyList<HostRule> rules) =>
        new("slot: token at offset 4 at the end (oracle)", predicted == observed ? Outcome.Passed : Outcome.Failed,
            predicted is { } p ? $"0x{p:x}" : "no data area", observed is { } o ? $"0x{o:x}" : "no data area") { Rules = rules };

    private static string PageReady(bool arrives) => arrives ? "a page-ready" : "no page-ready";

    internal static Check AccessCheck(string name, MsrAccess access, MsrPrediction prediction, ObservedAccess? observed, OracleHost host)
    {
        bool isRead = access.Op == MsrOp.Read;
        bool expectFault = access.Expect switch
        {
            AccessExpectation.Accept => false,
            AccessExpectation.Gp => true,
            _ => prediction.GeneralProtection,
        };
        ulong? expectRead = !isRead || expectFault ? null
            : access.ReadBack ?? (access.Expect == AccessExpectation.Oracle ? prediction.ReadValue : null);
        string outcome = expectFault ? "#GP" : isRead ? expectRead is { } r ? $"0x{r:x}" : "any value" : "accepted";
        string because = $"[{string.Join(", ", prediction.Because.Select(rule => rule.Id))}]";
        string expected = access.Expect == AccessExpectation.Oracle && access.ReadBack is null
            ? $"{outcome} {because}"
            : $"{outcome} (spec; oracle: {prediction.Outcome} {because})";

        bool passed = observed is not null && (expectFault
            ? observed.Fault == ExceptionNames.GeneralProtection + 1
            : observed.Fault == 0 && (expectRead is null || observed.Value == expectRead));
        string seen = observed?.Outcome ?? "not reported";
        if (!passed)
            seen = $"{seen}; {access} with CPUID 0x40000001 EAX 0x{host.PvFeatures:x} [{string.Join(' ', KvmPvFeatures.Names(host.PvFeatures))}], "
                + $"enforcement {(host.Enforced ? "on" : "off")}: expected {outcome}, observed {observed?.Outcome ?? "no report"}";
        return new Check(name, passed ? Outcome.Passed : Outcome.Failed, expected, seen) { Rules = prediction.Because };
    }

    /// <summary>
    /// KVM_GET_MSRS of EN and INT after the run must equal the guest's last successful read of each, or the
    /// oracle's stored value when the guest did not end by reading it. For an MSR this vCPU's CPUID gates, what a
    /// host-initiated read does differs by host kernel (refused on 6.1, 0 on 6.12), so the spec states it
    /// (<c>expect.hostReadOfGatedMsr</c>, keyed by kernel with <c>when</c>); unstated, that check is skipped.
    /// </summary>
    public static IReadOnlyList<Check> HostView(IReadOnlyList<MsrAccess> accesses, GuestObservations observed,
        EnableProtocolOracle oracle, OracleHost host, Func<uint, ulong> readHostMsr, GatedMsrHostRead? gatedRead, string applied)
    {
        var checks = new List<Check>();
        foreach (var (msr, feature, stored) in new[]
        {
            (KvmPvMsrs.AsyncPfEn, KvmPvFeature.AsyncPf, oracle.StoredEnable),
            (KvmPvMsrs.AsyncPfInt, KvmPvFeature.AsyncPfInt, oracle.StoredInterrupt),
        })
        {
            string name = $"host view: KVM_GET_MSRS {KvmPvMsrs.Describe(msr)}";
            if (!host.Has(feature))
            {
                checks.Add(GatedHostRead(name, feature, gatedRead, applied, () => readHostMsr(msr)));
                continue;
            }
            int last = LastIndex(accesses, msr);
            var lastAccess = last < 0 ? null : observed.Accesses.FirstOrDefault(a => a.Index == last);
            bool fromGuest = last >= 0 && accesses[last].Op == MsrOp.Read && lastAccess is { Fault: 0, Value: not null };
            ulong expected = fromGuest ? lastAccess!.Value!.Value : stored;
            string source = fromGuest ? "the guest's last read" : "the oracle's stored value";
            string seen;
            try
            {
                seen = $"0x{readHostMsr(msr):x}";
            }
            catch (Kvm.KvmException e)
            {
                seen = e.Message;
            }
            checks.Add(new Check(name, seen == $"0x{expected:x}" ? Outcome.Passed : Outcome.Failed, $"0x{expected:x} ({source})", seen));
        }
        return checks;
    }

    private static Check GatedHostRead(string name, KvmPvFeature feature, GatedMsrHostRead? expected, string applied, Func<ulong> read)
    {
        string gated = $"{KvmPvFeatures.Name(feature)} is clear with enforcement on";
        if (expected is not { } stated)
            return Check.Skip(name, "not stated", $"{gated}: what a host read of a gated MSR does differs by host kernel, and the spec states no expect.hostReadOfGatedMsr for this one");
        ulong? value;
        string seen;
        try
        {
            value = read();
            seen = $"0x{value:x}";
        }
        catch (Kvm.KvmException e)
        {
            value = null;
            seen = $"{GatedMsrHostReads.Name(GatedMsrHostRead.Refused)}: {e.Message}";
        }
        bool passed = stated == GatedMsrHostRead.Refused ? value is null : value == 0;
        string because = applied.Length == 0 ? gated : $"{gated}; spec, {applied}";
        return new Check(name, passed ? Outcome.Passed : Outcome.Failed, $"{GatedMsrHostReads.Name(stated)} ({because})", seen);
    }

    private static int LastIndex(IReadOnlyList<MsrAccess> accesses, uint msr)
    {
        for (int i = accesses.Count - 1; i >= 0; i--)
            if (accesses[i].Msr == msr)
                return i;
        return -1;
    }
}
