using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Vmspec.Cli.Results;
using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Cli.Tests.Results;

public class ResultWritersTests
{
    internal static readonly HostRun Native = new(
        new HostInfo("native", "native", "6.18.44", "kvm_intel", true, null),
        [
            new CaseResult("enable[en=bit4]", "msr-protocol", Outcome.Failed,
                [Check.Compare("wrmsr MSR_KVM_ASYNC_PF_EN 0x6011", "#GP", "accepted")],
                AsyncPfCounts.None, TimeSpan.FromMilliseconds(3)),
            new CaseResult("faults[pages=4]", "async-pf", Outcome.Passed,
                [Check.Compare("pageNotPresent", 4, 4), Check.Compare("tokensPaired", true, true)],
                new AsyncPfCounts(4, 4, 1), TimeSpan.FromMilliseconds(12.5)),
            CaseResult.Skipped("linux-6.12", "linux", "kvm_pvm cannot boot unmodified Linux"),
        ]);

    internal static readonly HostRun Lab = new(
        new HostInfo("debian-6.12", "lab", "6.12.117+deb12-amd64", "kvm_amd", true, null)
        {
            Accel = "tcg",
            QemuVersion = "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)",
            LabBoot = TimeSpan.FromMilliseconds(4712.25),
            LabElapsed = TimeSpan.FromMilliseconds(15234.5),
            LabStalls = 1,
        },
        [
            new CaseResult("enable[en=bit4]", "msr-protocol", Outcome.Passed,
                [Check.Compare("wrmsr MSR_KVM_ASYNC_PF_EN 0x6011", "#GP", "#GP")],
                AsyncPfCounts.None, TimeSpan.FromMilliseconds(20.125)),
            new CaseResult("faults[pages=4]", "async-pf", Outcome.Passed,
                [Check.Compare("pageNotPresent", 4, 4), Check.Compare("tokensPaired", true, true)],
                new AsyncPfCounts(4, 4, 1), TimeSpan.FromMilliseconds(1812.734)),
            CaseResult.Skipped("linux-6.12", "linux", "booting real Linux needs devices"),
        ]);

    internal static readonly HostRun FailedLab = new(
        new HostInfo("debian-6.1", "lab", null, null, false, "timed out after 60 s: QEMU was stopped")
        {
            Accel = "tcg",
            QemuVersion = "7.2.22",
            LabElapsed = TimeSpan.FromSeconds(60),
            LabFailure = new LabFailure("timed-out", "timed out after 60 s: QEMU was stopped", null, ["[    1.0] Linux version 6.1", "\u001b[0mlast line"]),
        },
        [
            new CaseResult("enable[en=bit4]", "msr-protocol", Outcome.Failed,
                [new Check("lab run", Outcome.Failed, "results from the lab", "timed out after 60 s: QEMU was stopped")],
                AsyncPfCounts.None, TimeSpan.Zero, "timed out after 60 s: QEMU was stopped"),
        ]);

    private static readonly VerifyReport Single = new([Native]);
    private static readonly VerifyReport TwoHosts = new([Lab, Native]);

    [Fact]
    public void Counts_line_counts_case_host_pairs_and_always_names_skipped()
    {
        Assert.Equal("1 passed, 1 failed, 1 skipped", Single.CountsLine);
        Assert.Equal("3 passed, 1 failed, 2 skipped", TwoHosts.CountsLine);
        Assert.Equal("1 passed, 0 failed, 0 skipped", new VerifyReport([Native with { Cases = Native.Cases.Skip(1).Take(1).ToList() }]).CountsLine);
    }

    [Fact]
    public void Results_JSON_is_a_list_of_runs_each_with_its_host_summary_and_cases()
    {
        using var document = JsonDocument.Parse(ResultsJsonWriter.Write(Single));
        var root = document.RootElement;
        Assert.Equal(["runs", "summary"], root.EnumerateObject().Select(p => p.Name));
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var host = run.GetProperty("host");
        Assert.Equal(["name", "mode", "kernelRelease", "flavour", "kvmAvailable"], host.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("native", "native", "6.18.44", "kvm_intel"),
            (host.GetProperty("name").GetString(), host.GetProperty("mode").GetString(), host.GetProperty("kernelRelease").GetString(), host.GetProperty("flavour").GetString()));
        var first = run.GetProperty("cases")[1];
        Assert.Equal("faults[pages=4]", first.GetProperty("name").GetString());
        Assert.Equal("passed", first.GetProperty("status").GetString());
        Assert.Equal(4, first.GetProperty("asyncPf").GetProperty("pageNotPresent").GetInt32());
        Assert.Equal(1, first.GetProperty("asyncPf").GetProperty("wakeupAll").GetInt32());
        Assert.Equal(12.5, first.GetProperty("durationMs").GetDouble());
        var check = run.GetProperty("cases")[0].GetProperty("checks")[0];
        Assert.Equal(("failed", "#GP", "accepted"),
            (check.GetProperty("status").GetString(), check.GetProperty("expected").GetString(), check.GetProperty("observed").GetString()));
        Assert.Equal("kvm_pvm cannot boot unmodified Linux", run.GetProperty("cases")[2].GetProperty("reason").GetString());
        Assert.Equal(1, run.GetProperty("summary").GetProperty("skipped").GetInt32());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("skipped").GetInt32());
    }

    [Fact]
    public void Results_JSON_of_two_hosts_has_the_lab_facts_and_summaries_per_run_and_over_all()
    {
        using var document = JsonDocument.Parse(ResultsJsonWriter.Write(new VerifyReport([FailedLab, Lab, Native])));
        var runs = document.RootElement.GetProperty("runs");
        Assert.Equal(["debian-6.1", "debian-6.12", "native"], runs.EnumerateArray().Select(r => r.GetProperty("host").GetProperty("name").GetString()));
        var lab = runs[1].GetProperty("host");
        Assert.Equal(["name", "mode", "kernelRelease", "flavour", "accel", "qemuVersion", "kvmAvailable", "bootMs", "elapsedMs", "labStalls"],
            lab.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("lab", "tcg", 4712.25), (lab.GetProperty("mode").GetString(), lab.GetProperty("accel").GetString(), lab.GetProperty("bootMs").GetDouble()));
        var failed = runs[0].GetProperty("host");
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("flavour").ValueKind);
        Assert.Equal("timed-out", failed.GetProperty("labFailure").GetProperty("kind").GetString());
        Assert.Equal("\u001b[0mlast line", failed.GetProperty("labFailure").GetProperty("consoleTail")[1].GetString());
        Assert.Equal(1, runs[0].GetProperty("summary").GetProperty("failed").GetInt32());
        Assert.Equal((3, 2, 2), (document.RootElement.GetProperty("summary").GetProperty("passed").GetInt32(),
            document.RootElement.GetProperty("summary").GetProperty("failed").GetInt32(), document.RootElement.GetProperty("summary").GetProperty("skipped").GetInt32()));
    }

    [Fact]
    public void Results_JSON_is_the_same_bytes_for_the_same_report() =>
        Assert.Equal(ResultsJsonWriter.Write(TwoHosts), ResultsJsonWriter.Write(TwoHosts));

    [Fact]
    public void Figures_are_written_beside_the_observation_and_read_back()
    {
        var check = new Check("page 0: guest kept running", Outcome.Passed, "released", "released page 0", "3 spin iteration(s)");
        var report = new VerifyReport([Native with { Cases = [Native.Cases[1] with { Checks = [check] }] }]);
        var bytes = ResultsJsonWriter.Write(report);

        var written = JsonDocument.Parse(bytes).RootElement.GetProperty("runs")[0].GetProperty("cases")[0].GetProperty("checks")[0];
        Assert.Equal("released page 0", written.GetProperty("observed").GetString());
        Assert.Equal("3 spin iteration(s)", written.GetProperty("figures").GetString());
        Assert.Equal(check, Assert.Single(ResultsJsonReader.Read(bytes).Runs[0].Cases[0].Checks));
    }

    [Fact]
    public void Results_JSON_of_two_hosts_reads_back_to_the_same_report_and_bytes()
    {
        var report = new VerifyReport([FailedLab, Lab, Native]);
        var bytes = ResultsJsonWriter.Write(report);
        var read = ResultsJsonReader.Read(bytes);

        Assert.Equal(bytes, ResultsJsonWriter.Write(read));
        Assert.Equal(report.Runs.Select(r => r.Host with { LabFailure = null }), read.Runs.Select(r => r.Host with { LabFailure = null }));
        var failure = read.Runs[0].Host.LabFailure!;
        string[] none = [];
        Assert.Equal(FailedLab.Host.LabFailure! with { ConsoleTail = none }, failure with { ConsoleTail = none });
        Assert.Equal(FailedLab.Host.LabFailure!.ConsoleTail, failure.ConsoleTail);
        Assert.Equal(Lab.Cases.Select(c => (c.Name, c.Guest, c.Status, c.AsyncPf, c.Duration, c.Reason)),
            read.Runs[1].Cases.Select(c => (c.Name, c.Guest, c.Status, c.AsyncPf, c.Duration, c.Reason)));
        Assert.Equal(Lab.Cases.SelectMany(c => c.Checks), read.Runs[1].Cases.SelectMany(c => c.Checks));
        Assert.Equal(report.CountsLine, read.CountsLine);
    }

    [Theory]
    [InlineData("[]", "the top level is not an object")]
    [InlineData("{\"cases\": []}", "runs is missing")]
    [InlineData("{\"runs\": [{\"host\": {\"name\": \"native\", \"mode\": \"native\", \"kvmAvailable\": true}, \"cases\": [{\"name\": \"a\"}]}]}", "runs[0].cases[0].asyncPf is missing")]
    [InlineData("{\"runs\": [{\"host\": {\"name\": \"native\", \"mode\": \"native\", \"kvmAvailable\": true}, \"cases\": [{\"name\": \"a\", \"guest\": \"minimal\", \"status\": \"green\", \"checks\": [], \"asyncPf\": {\"pageNotPresent\": 0, \"pageReady\": 0, \"wakeupAll\": 0}}]}]}",
        "runs[0].cases[0].status is \"green\"")]
    [InlineData("{\"runs\": [", "is not JSON")]
    public void Results_JSON_reader_names_what_is_wrong(string json, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => ResultsJsonReader.Read(Encoding.UTF8.GetBytes(json))).Message);

    [Fact]
    public void JUnit_has_one_suite_per_host_named_after_it_and_marks_failures_and_skips_with_their_text()
    {
        var document = XDocument.Parse(Encoding.UTF8.GetString(JUnitWriter.Write(new VerifyReport([FailedLab, Lab, Native]))));
        Assert.Equal(("7", "2", "2"), (document.Root!.Attribute("tests")!.Value, document.Root.Attribute("failures")!.Value, document.Root.Attribute("skipped")!.Value));
        var suites = document.Root.Elements("testsuite").ToList();
        Assert.Equal(["debian-6.1", "debian-6.12", "native"], suites.Select(s => s.Attribute("name")!.Value));

        var lab = suites[1];
        Assert.Equal(("3", "0", "1"), (lab.Attribute("tests")!.Value, lab.Attribute("failures")!.Value, lab.Attribute("skipped")!.Value));
        var properties = lab.Element("properties")!.Elements("property").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        Assert.Equal(("lab", "6.12.117+deb12-amd64", "kvm_amd", "tcg"),
            (properties["host.mode"], properties["host.kernelRelease"], properties["host.flavour"], properties["host.accel"]));
        Assert.Equal(["enable[en=bit4]", "faults[pages=4]", "linux-6.12"], lab.Elements("testcase").Select(c => c.Attribute("name")!.Value));

        var native = suites[2].Elements("testcase").ToList();
        Assert.Contains("expected #GP, observed accepted", native[0].Element("failure")!.Value);
        Assert.Null(native[1].Element("failure"));
        Assert.Equal("kvm_pvm cannot boot unmodified Linux", native[2].Element("skipped")!.Attribute("message")!.Value);
        Assert.DoesNotContain("host.accel", suites[2].Element("properties")!.Elements("property").Select(p => p.Attribute("name")!.Value));

        var failedLab = suites[0];
        Assert.Equal("timed out after 60 s: QEMU was stopped", failedLab.Element("testcase")!.Element("failure")!.Attribute("message")!.Value);
        Assert.Contains("  | \uFFFD[0mlast line", failedLab.Element("system-err")!.Value); // the escape is not a character XML can hold
    }

    [Fact]
    public void Case_without_checks_is_not_a_pass() =>
        Assert.Equal(Outcome.Skipped, CaseResult.Summarize([]));

    [Fact]
    public void Skipped_required_check_makes_the_case_skipped_not_passed() =>
        Assert.Equal(Outcome.Skipped, CaseResult.Summarize([Check.Compare("a", 1, 1), Check.SkipRequired("boot", "booted", "no KVM")]));

    [Fact]
    public void Skipped_supplementary_check_leaves_the_pass() =>
        Assert.Equal(Outcome.Passed, CaseResult.Summarize([Check.Compare("a", 1, 1), Check.Skip("trace", "equal counts", "no tracefs")]));

    [Fact]
    public void Failed_check_outweighs_a_skipped_required_one() =>
        Assert.Equal(Outcome.Failed, CaseResult.Summarize([Check.Compare("a", 1, 2), Check.SkipRequired("boot", "booted", "no KVM")]));

    [Fact]
    public void Any_failed_check_fails_the_case() =>
        Assert.Equal(Outcome.Failed, CaseResult.Summarize([Check.Compare("a", 1, 1), Check.Compare("b", 1, 2)]));
}
