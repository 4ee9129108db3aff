using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.Host;

namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>The case's stated expectations for this host's flavour, compared with what was observed.</summary>
public static class ExpectationChecks
{
    /// <summary>kvm_pvm runs CPL0 in the emulator, so its expectations differ; every other flavour is hardware KVM.</summary>
    public static EventExpectation For(CaseDefinition definition, KvmFlavour flavour) =>
        flavour == KvmFlavour.KvmPvm ? definition.ExpectOnPvm : definition.ExpectOnHardware;

    /// <summary>The label naming whose expectation applied: <c>kvm_pvm</c> or <c>hardware (kvm_intel)</c>.</summary>
    public static string Label(KvmFlavour flavour) =>
        flavour == KvmFlavour.KvmPvm ? "kvm_pvm" : $"hardware ({KvmFlavours.Name(flavour)})";

    public static IReadOnlyList<Check> Compare(EventExpectation expect, KvmFlavour flavour, AsyncPfCounts counts,
        TokenPairing pairing, IReadOnlyList<ObservedInterrupt> interrupts, bool? canaryIntact)
    {
        string label = Label(flavour);
        var checks = new List<Check>();
        if (expect.PageNotPresent is { } notPresent)
            checks.Add(Check.Compare($"expect ({label}): pageNotPresent", notPresent, counts.PageNotPresent));
        if (expect.PageReady is { } ready)
            checks.Add(Check.Compare($"expect ({label}): pageReady", ready, counts.PageReady));
        if (expect.WakeupAll is { } wakeup)
            checks.Add(Check.Compare($"expect ({label}): wakeupAll", wakeup, counts.WakeupAll));
        if (expect.TokensPaired is { } paired)
            checks.Add(new Check($"expect ({label}): tokensPaired", paired == pairing.Paired ? Outcome.Passed : Outcome.Failed,
                paired ? "true" : "false", $"{(pairing.Paired ? "true" : "false")}: {pairing.Describe()}"));
        if (expect.Vector is { } vector)
        {
            var vectors = interrupts.Where(i => i.Token != 0).Select(i => i.Vector).Distinct().Order().ToArray();
            bool ok = vectors.All(v => v == vector);
            checks.Add(new Check($"expect ({label}): vector", ok ? Outcome.Passed : Outcome.Failed,
                $"every page-ready on 0x{vector:x2}", vectors.Length == 0 ? "no page-ready" : string.Join(", ", vectors.Select(v => $"0x{v:x2}"))));
        }
        if (expect.CanaryIntact is { } intact)
            checks.Add(canaryIntact is { } observed
                ? Check.Compare($"expect ({label}): canaryIntact", intact, observed)
                : Check.Skip($"expect ({label}): canaryIntact", intact ? "true" : "false", "no canary bytes could be placed"));
        return checks;
    }
}
