using Vmspec.Plans;

namespace Vmspec.Cli.Sharding;

/// <summary>
/// The cost model of sharding, in one place: a case's expected run time from its plan, in units of one msr-protocol case
/// (about 0.1 s in the TCG lab). Measured with the NativeAOT vmspec on both pinned host kernels (medians): msr-protocol
/// 84-103 ms, minimal 32-41 ms, async-pf 0.44-0.85 s with 6 pages, linux 3.4-4.1 s (reading the kernel's BTF, then
/// skipped until the lab boots Linux guests). The same cost on every host: a lab's boot is paid per shard and host, not per
/// case, and the TCG slowdown is the same for every case. The plan's timeout is no estimate (it bounds a hung case, which a
/// passing one never nears), so it is not used.
/// </summary>
internal static class CaseCost
{
    public const int MsrProtocol = 1;
    public const int Minimal = 1;
    /// <summary>An async-pf guest: its VM and the async #PF setup, plus each page faulted, resolved and acknowledged.</summary>
    public const int AsyncPfBase = 2, AsyncPfPerPage = 1;
    /// <summary>A Linux guest: the kernel package read and its BTF decompressed and parsed, more once the kernel boots.</summary>
    public const int Linux = 40;

    public static int Of(VmPlan plan) => plan.Guest switch
    {
        LinuxGuestPlan => Linux,
        TestGuestPlan { TestProgram: TestProgram.AsyncPf } => AsyncPfBase + AsyncPfPerPage * (int)Math.Min(plan.AsyncPf?.Workload?.Pages ?? 0, MaxPages),
        TestGuestPlan { TestProgram: TestProgram.Minimal } => Minimal,
        _ => MsrProtocol,
    };

    /// <summary>Keeps a cost (and a matrix's sum of them) far from overflow, whatever a spec asks for.</summary>
    private const uint MaxPages = 4096;
}
