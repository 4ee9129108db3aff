using Vmspec.Cli.Results;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Report;

/// <summary>
/// <c>Fixtures/kvm_pvm-results.json</c>: results.json of a real <c>verify --host native</c> on kvm_pvm, trimmed to 67 cases
/// (every enable-protocol case with its run and EN-write checks, three fault cases with their events, minimal).
/// </summary>
internal static class ReportFixture
{
    public static string Path => System.IO.Path.Combine(TestRepository.Root, "tests", "Cli.Tests", "Report", "Fixtures", "kvm_pvm-results.json");

    public static VerifyReport Read() => ResultsJsonReader.Read(File.ReadAllBytes(Path));

    /// <summary>The fixture with the EN write of <paramref name="caseName"/> failed: observed accepted where the oracle said #GP.</summary>
    public static VerifyReport WithDisagreement(string caseName)
    {
        var report = Read();
        var run = report.Runs[0];
        var cases = run.Cases.Select(c => c.Name != caseName ? c : c with
        {
            Status = Outcome.Failed,
            Reason = "failed: wrmsr MSR_KVM_ASYNC_PF_EN",
            Checks = c.Checks.Select(k => k.Name.StartsWith("wrmsr MSR_KVM_ASYNC_PF_EN", StringComparison.Ordinal)
                ? k with { Status = Outcome.Failed, Observed = "accepted; expected #GP, observed accepted" } : k).ToList(),
        }).ToList();
        return new VerifyReport([run with { Cases = cases }]);
    }
}
