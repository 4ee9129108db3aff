using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.Cpuid;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>Which generated guest a case runs.</summary>
public enum CaseProgram
{
    /// <summary>Long mode, CPUID 0x40000001, report, stop.</summary>
    Minimal,

    /// <summary>Performs a list of async #PF MSR accesses and reports each outcome.</summary>
    MsrProtocol,

    /// <summary>Enables async #PF and touches pages that are missing on the host.</summary>
    AsyncPf,
}

/// <summary>How one access is judged: by the oracle, or as the spec states it.</summary>
public enum AccessExpectation
{
    Oracle,
    Accept,
    GeneralProtection,
}

public sealed record ProtocolAccess(MsrAccess Access, AccessExpectation Expect, ulong? ReadBack);

/// <summary>The fault workload: which pages, how long the host keeps them missing, and from where they are touched.</summary>
public sealed record FaultWorkloadDefinition(int Pages, TimeSpan ResolveDelay, int Cpl, bool InterruptsEnabled);

/// <summary>The async #PF configuration: the page-ready vector and the exact MSR_KVM_ASYNC_PF_EN value.</summary>
public sealed record AsyncPfSetup(byte? Vector, ulong EnableValue, FaultWorkloadDefinition? Workload);

/// <summary>Expected observations; null means not checked.</summary>
public sealed record EventExpectation(
    int? PageNotPresent = null,
    int? PageReady = null,
    int? WakeupAll = null,
    bool? TokensPaired = null,
    byte? Vector = null,
    bool? CanaryIntact = null)
{
    public static readonly EventExpectation None = new();
}

/// <summary>The machine a case runs on: RAM, enforcement of PV CPUID, and the CPUID edits on top of what the host offers.</summary>
public sealed record MachineDefinition(ulong MemoryBytes, bool EnforcePvFeatureCpuid, IReadOnlyList<CpuidEdit> CpuidEdits);

/// <summary>
/// One runnable case, independent of how it was written down: the CLI builds it from a compiled
/// plan. Expectations may differ between hardware KVM and kvm_pvm.
/// </summary>
public sealed record CaseDefinition(
    string Name,
    CaseProgram Program,
    MachineDefinition Machine,
    IReadOnlyList<ProtocolAccess> Accesses,
    AsyncPfSetup? AsyncPf,
    EventExpectation ExpectOnHardware,
    EventExpectation ExpectOnPvm,
    TimeSpan Timeout);
