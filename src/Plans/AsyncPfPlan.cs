using Vmspec.Abi.KvmPara;

namespace Vmspec.Plans;

/// <summary>
/// The async #PF setup: the page-ready vector for MSR_KVM_ASYNC_PF_INT and the exact MSR_KVM_ASYNC_PF_EN value
/// (data GPA | flags, or the spec's raw value when <see cref="RawEn"/>: not checked, for negative tests).
/// </summary>
public sealed record AsyncPfPlan(byte? Vector, ulong EnValue, bool RawEn, FaultWorkload? Workload)
{
    public ulong DataGpa => AsyncPfEn.Gpa(EnValue);

    public AsyncPfEnFlags Flags => AsyncPfEn.Flags(EnValue);

    public bool Enabled => Flags.HasFlag(AsyncPfEnFlags.Enabled);
}

/// <summary>The async-pf guest's faults: how many pages, how long the host keeps each missing, and from where they are touched.</summary>
public sealed record FaultWorkload(uint Pages, ulong ResolveDelayMs, byte Cpl, bool InterruptsEnabled)
{
    public TimeSpan ResolveDelay => TimeSpan.FromMilliseconds(ResolveDelayMs);
}
