using Vmspec.Abi.Kvm;
using Vmspec.Cli.Results;
using Vmspec.Cli.Specs;
using Vmspec.Cli.Verification;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Host;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Verification;

/// <summary>Runs the real checked-in specs on this host: with KVM they run; without, they must be skipped with the probe's reason, never passed.</summary>
public class VerifySessionTests
{
    [Fact]
    public void Test_guest_cases_run_or_are_skipped_with_the_probe_reason_in_name_order()
    {
        var compiled = SpecInputs.Compile([TestRepository.Specs]);
        var cases = SpecInputs.Select(compiled.Cases, "faults*").Concat(SpecInputs.Select(compiled.Cases, "minimal")).ToList();
        var host = HostProbe.Probe();
        var progress = new StringWriter();
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var run = new VerifySession(host, jobs: 2, progress) { Status = statuses.Enqueue }.Run(cases);

        Assert.Equal(cases.Select(c => c.Name).Order(StringComparer.Ordinal), run.Cases.Select(c => c.Name));
        Assert.Equal(Enumerable.Range(1, cases.Count).Select(n => $"verify: {n}/{cases.Count} cases…"), statuses);
        Assert.Equal(cases.Count, progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(("native", "native", KvmFlavours.Name(host.Flavour), host.Available), (run.Host.Name, run.Host.Mode, run.Host.Flavour, run.Host.KvmAvailable));
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), run.Host.KernelRelease);
        if (!host.Available)
        {
            Assert.All(run.Cases, c =>
            {
                Assert.Equal(Outcome.Skipped, c.Status);
                Assert.Equal(host.Reason, c.Reason);
            });
            Assert.Equal($"0 passed, 0 failed, {cases.Count} skipped", run.CountsLine);
        }
        else
        {
            Assert.All(run.Cases, c => Assert.NotEqual(Outcome.Skipped, c.Status));
        }
    }
}
