using Vmspec.Runtime.Cpuid;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>The oracle's view of a case's vCPU: the PV features its CPUID shows (after the case's edits), enforcement, RAM.</summary>
public static class OracleWiring
{
    /// <param name="vcpuCpuid">The table given to KVM_SET_CPUID2, i.e. with the case's edits applied.</param>
    public static OracleHost Host(MachinePlan machine, CpuidTable vcpuCpuid, IReadOnlyList<GuestRam> writableRam) =>
        new(vcpuCpuid.PvFeatures, machine.EnforcePvFeatureCpuid, InKernelLapic: true, writableRam);
}
