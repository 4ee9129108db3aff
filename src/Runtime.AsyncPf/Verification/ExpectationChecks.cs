namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>The case's stated expectations for this host, compared with what was observed.</summary>
public static class ExpectationChecks
{
    /// <summary>Each stated expectation for <paramref name="host"/>; an expected value set by a <c>when</c> entry names it.</summary>
    public static IReadOnlyList<Check> Compare(CaseExpectations stated, HostIdentity host, AsyncPfCounts counts,
        TokenPairing pairing, IReadOnlyList<ObservedInterrupt> interrupts, bool? canaryIntact)
    {
        var expect = stated.For(host);
        string Expected(string value, Func<Expectations, object?> field) =>
            stated.SourceOf(host, field) is { Length: > 0 } source ? $"{value} ({source})" : value;
        Check Count(string name, uint expected, int observed, Func<Expectations, object?> field) =>
            new($"expect: {name}", expected == observed ? Outcome.Passed : Outcome.Failed, Expected($"{expected}", field), $"{observed}");

        var checks = new List<Check>();
        if (expect.Events.PageNotPresent is { } notPresent)
            checks.Add(Count("pageNotPresent", notPresent, counts.PageNotPresent, e => e.Events.PageNotPresent));
        if (expect.Events.PageReady is { } ready)
            checks.Add(Count("pageReady", ready, counts.PageReady, e => e.Events.PageReady));
        if (expect.Events.WakeupAll is { } wakeup)
            checks.Add(Count("wakeupAll", wakeup, counts.WakeupAll, e => e.Events.WakeupAll));
        if (expect.Events.TokensPaired is { } paired)
            checks.Add(new Check("expect: tokensPaired", paired == pairing.Paired ? Outcome.Passed : Outcome.Failed,
                Expected(paired ? "true" : "false", e => e.Events.TokensPaired), $"{(pairing.Paired ? "true" : "false")}: {pairing.Describe()}"));
        if (expect.Events.Vector is { } vector)
        {
            var vectors = interrupts.Where(i => i.Token != 0).Select(i => i.Vector).Distinct().Order().ToArray();
            bool ok = vectors.All(v => v == vector);
            checks.Add(new Check("expect: vector", ok ? Outcome.Passed : Outcome.Failed,
                Expected($"every page-ready on 0x{vector:x2}", e => e.Events.Vector), vectors.Length == 0 ? "no page-ready" : string.Join(", ", vectors.Select(v => $"0x{v:x2}"))));
        }
        if (expect.Abi.CanaryIntact is { } intact)
            checks.Add(canaryIntact is { } observed
                ? new Check("expect: canaryIntact", intact == observed ? Outcome.Passed : Outcome.Failed, Expected(intact ? "true" : "false", e => e.Abi.CanaryIntact), observed ? "true" : "false")
                : Check.Skip("expect: canaryIntact", Expected(intact ? "true" : "false", e => e.Abi.CanaryIntact), "no canary bytes could be placed"));
        return checks;
    }
}
