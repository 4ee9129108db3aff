namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>The case's stated expectations for this host, compared with what was observed.</summary>
public static class ExpectationChecks
{
    /// <param name="applied">the <c>when</c> entries that applied to this host (<see cref="CaseExpectations.Applied"/>), named in each expected value</param>
    public static IReadOnlyList<Check> Compare(Expectations expect, string applied, AsyncPfCounts counts,
        TokenPairing pairing, IReadOnlyList<ObservedInterrupt> interrupts, bool? canaryIntact)
    {
        string Expected(string value) => applied.Length == 0 ? value : $"{value} ({applied})";
        Check Count(string name, uint expected, int observed) =>
            new($"expect: {name}", expected == observed ? Outcome.Passed : Outcome.Failed, Expected($"{expected}"), $"{observed}");

        var checks = new List<Check>();
        if (expect.Events.PageNotPresent is { } notPresent)
            checks.Add(Count("pageNotPresent", notPresent, counts.PageNotPresent));
        if (expect.Events.PageReady is { } ready)
            checks.Add(Count("pageReady", ready, counts.PageReady));
        if (expect.Events.WakeupAll is { } wakeup)
            checks.Add(Count("wakeupAll", wakeup, counts.WakeupAll));
        if (expect.Events.TokensPaired is { } paired)
            checks.Add(new Check("expect: tokensPaired", paired == pairing.Paired ? Outcome.Passed : Outcome.Failed,
                Expected(paired ? "true" : "false"), $"{(pairing.Paired ? "true" : "false")}: {pairing.Describe()}"));
        if (expect.Events.Vector is { } vector)
        {
            var vectors = interrupts.Where(i => i.Token != 0).Select(i => i.Vector).Distinct().Order().ToArray();
            bool ok = vectors.All(v => v == vector);
            checks.Add(new Check("expect: vector", ok ? Outcome.Passed : Outcome.Failed,
                Expected($"every page-ready on 0x{vector:x2}"), vectors.Length == 0 ? "no page-ready" : string.Join(", ", vectors.Select(v => $"0x{v:x2}"))));
        }
        if (expect.Abi.CanaryIntact is { } intact)
            checks.Add(canaryIntact is { } observed
                ? new Check("expect: canaryIntact", intact == observed ? Outcome.Passed : Outcome.Failed, Expected(intact ? "true" : "false"), observed ? "true" : "false")
                : Check.Skip("expect: canaryIntact", Expected(intact ? "true" : "false"), "no canary bytes could be placed"));
        return checks;
    }
}
