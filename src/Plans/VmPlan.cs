namespace Vmspec.Plans;

/// <summary>
/// One compiled case: everything the runtime needs, fully resolved (no defaults left to apply, no YAML).
/// SpecCompiler writes it (canonical JSON, content-addressed) and reads it back; Runtime.AsyncPf runs it.
/// </summary>
public sealed record VmPlan(
    string Name,
    SpecInfo Spec,
    IReadOnlyList<KeyValuePair<string, string>> Matrix,
    MachinePlan Machine,
    CpuidPlan Cpuid,
    GuestPlan Guest,
    AsyncPfPlan? AsyncPf,
    CaseExpectations Expect,
    ulong TimeoutMs)
{
    /// <summary>Version of the plan JSON format (not of the YAML language).</summary>
    public const string FormatVersion = "vmspec.dev/plan/v3";

    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMs);
}

/// <summary>The spec a case came from; labels sorted by key.</summary>
public sealed record SpecInfo(string Name, string Description, IReadOnlyList<KeyValuePair<string, string>> Labels);

public sealed record MachinePlan(ulong MemoryBytes, uint Vcpus, bool EnforcePvFeatureCpuid);
