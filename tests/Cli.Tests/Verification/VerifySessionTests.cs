using Vmspec.Cli.Results;
using Vmspec.Cli.Specs;
using Vmspec.Cli.Verification;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Host;

namespace Vmspec.Cli.Tests.Verification;

/// <summary>Runs the real checked-in specs on this host: with KVM they run; without, they must be skipped with the probe's reason, never passed.</summary>
public class VerifySessionTests
{
    [Fact]
    public void TestGuestCasesRunOrAreSkippedWithTheProbeReasonInNameOrder()
    {
        var compiled = SpecInputs.Compile([RepositoryPaths.Specs]);
        var cases = SpecInputs.Select(compiled.Cases, "faults*").Concat(SpecInputs.Select(compiled.Cases, "minimal")).ToList();
        var host = HostProbe.Probe();
        var progress = new StringWriter();
        var report = new VerifySession(host, jobs: 2, progress).Run(cases);

        Assert.Equal(cases.Select(c => c.Name).Order(StringComparer.Ordinal), report.Cases.Select(c => c.Name));
        Assert.Equal(cases.Count, progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        if (!host.Available)
        {
            Assert.All(report.Cases, c =>
            {
                Assert.Equal(Outcome.Skipped, c.Status);
                Assert.Equal(host.Reason, c.Reason);
            });
            Assert.Equal($"0 passed, 0 failed, {cases.Count} skipped", report.CountsLine);
        }
        else
        {
            Assert.All(report.Cases, c => Assert.NotEqual(Outcome.Skipped, c.Status));
        }
    }

    [Fact]
    public void TableListsEveryCaseAndGroupsSkipReasons()
    {
        var report = new VerifyReport("kvm_pvm", false, "no /dev/kvm",
            [CaseResult.Skipped("a", "minimal", "no /dev/kvm"), CaseResult.Skipped("b", "async-pf", "no /dev/kvm")]);
        var output = new StringWriter();
        ResultTable.Write(report, output);
        var text = output.ToString();
        Assert.Contains("skipped 2: no /dev/kvm", text);
        Assert.Matches(@"(?m)^a\s+minimal\s+skipped", text);
    }
}
