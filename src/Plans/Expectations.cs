using Vmspec.Abi.KvmPara;
using Vmspec.Plans.Hosts;

namespace Vmspec.Plans;

/// <summary>
/// A case's expectations: the common ones, and <c>expect.when</c> entries that override them field by field on the
/// hosts they match (a KVM flavour, a range of host kernel releases), applied in order.
/// </summary>
public sealed record CaseExpectations(Expectations Common, IReadOnlyList<HostExpectations> When)
{
    public static CaseExpectations Unchecked { get; } = new(Expectations.Unchecked, []);

    public Expectations For(HostIdentity host) =>
        When.Where(w => w.Condition.Matches(host)).Aggregate(Common, (resolved, w) => resolved.OverriddenBy(w.Overrides));

    /// <summary>
    /// Where the value of <paramref name="field"/> for <paramref name="host"/> comes from: the last matching <c>when</c>
    /// entry that sets it, as <c>when flavour kvm_pvm</c>; empty when the common value stands.
    /// </summary>
    public string SourceOf(HostIdentity host, Func<Expectations, object?> field) =>
        When.LastOrDefault(w => w.Condition.Matches(host) && field(w.Overrides) is not null) is { } source ? $"when {source.Condition}" : "";
}

/// <summary>One <c>expect.when</c> entry: the fields it sets replace the common ones where <see cref="Condition"/> matches.</summary>
public sealed record HostExpectations(HostCondition Condition, Expectations Overrides);

/// <summary>
/// Null means "not checked" (or, in an override, "as the common expectations say"). <see cref="KernelAbi"/>,
/// <see cref="GuestEnablesAsyncPf"/> and <see cref="GuestTakesAsyncPf"/> only appear for Linux guests; the kernel ABI
/// is a property of the image, so overrides never set it. <see cref="GuestTakesAsyncPf"/> true: while the Linux
/// workload reads its evicted pages, KVM's trace shows at least one page-not-present, each paired with a page-ready of
/// the same token, and the guest verified every page's contents.
/// </summary>
public sealed record Expectations(EventExpectations Events, AbiExpectations Abi, ApfDataAbi? KernelAbi = null,
    bool? GuestEnablesAsyncPf = null, GatedMsrHostRead? HostReadOfGatedMsr = null, bool? GuestTakesAsyncPf = null)
{
    public static Expectations Unchecked { get; } = new(EventExpectations.Unchecked, new AbiExpectations(null));

    public Expectations OverriddenBy(Expectations o) => new(
        new EventExpectations(
            o.Events.PageNotPresent ?? Events.PageNotPresent,
            o.Events.PageReady ?? Events.PageReady,
            o.Events.WakeupAll ?? Events.WakeupAll,
            o.Events.TokensPaired ?? Events.TokensPaired,
            o.Events.Vector ?? Events.Vector),
        new AbiExpectations(o.Abi.CanaryIntact ?? Abi.CanaryIntact),
        o.KernelAbi ?? KernelAbi,
        o.GuestEnablesAsyncPf ?? GuestEnablesAsyncPf,
        o.HostReadOfGatedMsr ?? HostReadOfGatedMsr,
        o.GuestTakesAsyncPf ?? GuestTakesAsyncPf);
}

/// <summary>Null means "not checked".</summary>
public sealed record EventExpectations(uint? PageNotPresent, uint? PageReady, uint? WakeupAll, bool? TokensPaired, byte? Vector)
{
    public static EventExpectations Unchecked { get; } = new(null, null, null, null, null);
}

public sealed record AbiExpectations(bool? CanaryIntact);

/// <summary>
/// What KVM_GET_MSRS (a host-initiated read) does with a PV MSR the vCPU's CPUID gates under enforcement: it differs
/// by host kernel, so specs state it per kernel range.
/// </summary>
public enum GatedMsrHostRead { Refused, ReadsZero }

public static class GatedMsrHostReads
{
    public static IReadOnlyList<KeyValuePair<string, GatedMsrHostRead>> Names { get; } =
        [new("refused", GatedMsrHostRead.Refused), new("reads-zero", GatedMsrHostRead.ReadsZero)];

    public static string Name(GatedMsrHostRead value) => Names.First(n => n.Value == value).Key;
}
