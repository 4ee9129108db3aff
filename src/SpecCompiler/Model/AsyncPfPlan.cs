using Vmspec.SpecCompiler.Language;

namespace Vmspec.SpecCompiler.Model;

/// <summary>
/// The async #PF setup. <see cref="EnValue"/> is the exact MSR_KVM_ASYNC_PF_EN value to write
/// (DataGpa | Flags, or the raw value when <see cref="RawEn"/>).
/// </summary>
public sealed record AsyncPfPlan(byte? Vector, ulong? DataGpa, AsyncPfEnFlags Flags, ulong EnValue, bool RawEn, FaultWorkload? Workload)
{
    public bool Enabled => (EnValue & (ulong)AsyncPfEnFlags.Enabled) != 0;
}

public sealed record FaultWorkload(uint Pages, ulong ResolveDelayMs, byte Cpl, bool InterruptsEnabled);
