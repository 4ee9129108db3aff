using Vmspec.Runtime.AsyncPf.Evidence;

namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>
/// The host's own record (kvm tracepoints on the vCPU thread) against what the guest saw. Compared only when
/// delivery was expected: KVM also traces 'not present' for host-side async faults it resolves by halting the
/// vCPU, which the guest never sees. kvm_async_pf_ready fires for the wakeup-all too.
/// </summary>
public static class TraceChecks
{
    private const string NotPresentName = "trace: kvm_async_pf_not_present = guest's 'page not present'";
    private const string ReadyName = "trace: kvm_async_pf_ready = guest's page-ready + wakeup-all";
    private const string TokensName = "trace: 'not present' tokens = guest's CR2 tokens";

    public static IReadOnlyList<Check> Compare(KvmTraceRecord? record, string? unavailableReason, bool deliveryExpected, GuestObservations observed)
    {
        string? skip = record is null ? $"tracefs unavailable: {unavailableReason}"
            : !deliveryExpected ? "delivery not expected: KVM traces host-side async faults (vCPU halted) the guest never sees"
            : null;
        if (skip is not null)
            return [Check.Skip(NotPresentName, "equal counts", skip), Check.Skip(ReadyName, "equal counts", skip), Check.Skip(TokensName, "equal tokens", skip)];

        var counts = observed.Counts;
        string guestTokens = Tokens(observed.NotPresents.Select(n => n.Cr2));
        return
        [
            Check.Compare(NotPresentName, counts.PageNotPresent, record!.Count("kvm_async_pf_not_present")),
            Check.Compare(ReadyName, counts.PageReady + counts.WakeupAll, record.Count("kvm_async_pf_ready")),
            Check.Compare(TokensName, guestTokens, Tokens(record.NotPresentTokens)),
        ];
    }

    private static string Tokens(IEnumerable<ulong> tokens) =>
        string.Join(", ", tokens.Select(t => (uint)t).Order().Select(t => $"0x{t:x}"));
}
