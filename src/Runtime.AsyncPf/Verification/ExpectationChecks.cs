using Vmspec.Abi.Kvm;

namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>The case's stated expectations for this host's flavour, compared with what was observed.</summary>
public static class ExpectationChecks
{
    public static IReadOnlyList<Check> Compare(Expectations expect, KvmFlavour flavour, AsyncPfCounts counts,
        TokenPairing pairing, IReadOnlyList<ObservedInterrupt> interrupts, bool? canaryIntact)
    {
        string label = FlavourExpectations.Label(flavour);
        var checks = new List<Check>();
        if (expect.Events.PageNotPresent is { } notPresent)
            checks.Add(Check.Compare($"expect ({label}): pageNotPresent", (int)notPresent, counts.PageNotPresent));
        if (expect.Events.PageReady is { } ready)
            checks.Add(Check.Compare($"expect ({label}): pageReady", (int)ready, counts.PageReady));
        if (expect.Events.WakeupAll is { } wakeup)
            checks.Add(Check.Compare($"expect ({label}): wakeupAll", (int)wakeup, counts.WakeupAll));
        if (expect.Events.TokensPaired is { } paired)
            checks.Add(new Check($"expect ({label}): tokensPaired", paired == pairing.Paired ? Outcome.Passed : Outcome.Failed,
                paired ? "true" : "false", $"{(pairing.Paired ? "true" : "false")}: {pairing.Describe()}"));
        if (expect.Events.Vector is { } vector)
        {
            var vectors = interrupts.Where(i => i.Token != 0).Select(i => i.Vector).Distinct().Order().ToArray();
            bool ok = vectors.All(v => v == vector);
            checks.Add(new Check($"expect ({label}): vector", ok ? Outcome.Passed : Outcome.Failed,
                $"every page-ready on 0x{vector:x2}", vectors.Length == 0 ? "no page-ready" : string.Join(", ", vectors.Select(v => $"0x{v:x2}"))));
        }
        if (expect.Abi.CanaryIntact is { } intact)
            checks.Add(canaryIntact is { } observed
                ? Check.Compare($"expect ({label}): canaryIntact", intact, observed)
                : Check.Skip($"expect ({label}): canaryIntact", intact ? "true" : "false", "no canary bytes could be placed"));
        return checks;
    }
}
