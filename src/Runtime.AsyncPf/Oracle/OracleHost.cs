using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>A range of guest-physical memory backed by a writable memslot.</summary>
public readonly record struct GuestRam(ulong Start, ulong Length)
{
    public bool Contains(ulong gpa, ulong length) => gpa >= Start && gpa - Start <= Length && length <= Length - (gpa - Start);
}

/// <summary>What the oracle needs to know about a vCPU: the PV features its CPUID shows, enforcement, LAPIC and RAM.</summary>
public sealed record OracleHost(uint PvFeatures, bool Enforced, bool InKernelLapic, IReadOnlyList<GuestRam> WritableRam)
{
    /// <summary>guest_pv_has(): with enforcement off every feature counts as present.</summary>
    public bool Has(KvmPvFeature feature) => !Enforced || (PvFeatures & (1u << (int)feature)) != 0;

    public bool IsRam(ulong gpa, ulong length) => WritableRam.Any(r => r.Contains(gpa, length));
}
