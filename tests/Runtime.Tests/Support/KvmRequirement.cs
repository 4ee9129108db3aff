using Vmspec.Runtime.Host;

namespace Vmspec.Runtime.Tests.Support;

/// <summary>The one gate for tests that need a working /dev/kvm: skips with the host probe's exact reason.</summary>
internal static class KvmRequirement
{
    private static readonly Lazy<HostReport> Report = new(HostProbe.Probe);

    public static HostReport RequireKvm()
    {
        HostReport report = Report.Value;
        if (!report.Available) Assert.Skip($"KVM unavailable: {report.Reason}");
        return report;
    }
}
