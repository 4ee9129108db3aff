using Vmspec.Runtime.Host;

namespace Vmspec.TestSupport;

/// <summary>
/// The one gate for tests that need a working /dev/kvm: skips with the host probe's reason. build/Build.Test.cs
/// re-runs the tests skipped with the "KVM unavailable: " prefix in the lab, so the text must stay as it is.
/// </summary>
public static class KvmRequirement
{
    private static readonly Lazy<HostReport> Report = new(HostProbe.Probe);

    public static HostReport RequireKvm()
    {
        HostReport report = Report.Value;
        if (!report.Available) Assert.Skip($"KVM unavailable: {report.Reason}");
        return report;
    }
}
