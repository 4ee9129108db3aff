using Vmspec.Cli.Results;
using Vmspec.Cli.Tests.Results;
using Vmspec.Cli.Verification;
using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Cli.Tests.Verification;

public class ResultTableTests
{
    private static string Table(VerifyReport report)
    {
        var output = new StringWriter();
        ResultTable.Write(report, output);
        return output.ToString();
    }

    [Fact]
    public void One_column_per_host_in_name_order_and_a_case_that_differs_stands_out()
    {
        var text = Table(new VerifyReport([ResultWritersTests.Lab, ResultWritersTests.Native]));
        var lines = text.Split('\n');

        Assert.Matches(@"^case\s+guest\s+debian-6\.12\s+native$", lines[0]);
        Assert.Matches(@"^enable\[en=bit4\]\s+msr-protocol\s+passed 1/1\s+FAILED 0/1\s+<- differs$", lines[1]);
        Assert.Matches(@"^faults\[pages=4\]\s+async-pf\s+passed 2/2\s+passed 2/2$", lines[2]);
        Assert.Matches(@"^linux-6\.12\s+linux\s+skipped 0/0\s+skipped 0/0$", lines[3]);
        // The columns line up: each host's cells start where its header does.
        Assert.Equal(lines[0].IndexOf("native", StringComparison.Ordinal), lines[1].IndexOf("FAILED", StringComparison.Ordinal));
        Assert.Contains("FAILED enable[en=bit4] on native\n  wrmsr MSR_KVM_ASYNC_PF_EN 0x6011: expected #GP; observed accepted\n", text);
        Assert.Contains("skipped 1 on debian-6.12: booting real Linux needs devices\n", text);
        Assert.Contains("skipped 1 on native: kvm_pvm cannot boot unmodified Linux\n", text);
        Assert.Contains("debian-6.12: 2 passed, 0 failed, 1 skipped (lab, 6.12.117+deb12-amd64, kvm_amd, accel tcg)\n", text);
        Assert.Contains("native:      1 passed, 1 failed, 1 skipped (native, 6.18.44, kvm_intel)\n", text);
    }

    [Fact]
    public void A_failed_lab_is_reported_once_with_its_console_tail_and_a_case_a_host_lacks_is_a_dash()
    {
        var text = Table(new VerifyReport([ResultWritersTests.FailedLab, ResultWritersTests.Native]));

        Assert.Matches(@"(?m)^faults\[pages=4\]\s+async-pf\s+-\s+passed 2/2$", text);
        Assert.Matches(@"(?m)^enable\[en=bit4\]\s+msr-protocol\s+FAILED 0/1\s+FAILED 0/1$", text);
        Assert.Contains("LAB FAILED on debian-6.1 (timed-out): timed out after 60 s: QEMU was stopped; its 1 case(s) count as failed\n"
            + "  the lab kernel's console ended with:\n  | [    1.0] Linux version 6.1\n", text);
        Assert.DoesNotContain("FAILED enable[en=bit4] on debian-6.1", text);
        Assert.Contains("debian-6.1: 0 passed, 1 failed, 0 skipped (lab, kernel unknown, flavour unknown, accel tcg)\n", text);
    }

    [Fact]
    public void One_host_without_KVM_groups_skip_reasons_and_says_why_KVM_is_unavailable()
    {
        var run = new HostRun(new HostInfo("native", "native", "6.1.0", "kvm_pvm", false, "no /dev/kvm"),
            [CaseResult.Skipped("a", "minimal", "no /dev/kvm"), CaseResult.Skipped("b", "async-pf", "no /dev/kvm")]);
        var text = Table(new VerifyReport([run]));

        Assert.Matches(@"(?m)^a\s+minimal\s+skipped 0/0$", text);
        Assert.Contains("skipped 2 on native: no /dev/kvm\n", text);
        Assert.Contains("native: 0 passed, 0 failed, 2 skipped (native, 6.1.0, kvm_pvm, KVM unavailable: no /dev/kvm)\n", text);
        Assert.DoesNotContain(ResultTable.DiffersMarker, text);
    }
}
