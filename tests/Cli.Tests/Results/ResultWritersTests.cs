using System.Text.Json;
using System.Xml.Linq;
using Vmspec.Cli.Results;
using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Cli.Tests.Results;

public class ResultWritersTests
{
    private static readonly VerifyReport Report = new("kvm_intel", true, null,
    [
        new CaseResult("faults[pages=4]", "async-pf", Outcome.Passed,
            [Check.Compare("pageNotPresent", 4, 4), Check.Compare("tokensPaired", true, true)],
            new AsyncPfCounts(4, 4, 1), TimeSpan.FromMilliseconds(12.5)),
        new CaseResult("enable[en=bit4]", "msr-protocol", Outcome.Failed,
            [Check.Compare("wrmsr MSR_KVM_ASYNC_PF_EN 0x6011", "#GP", "accepted")],
            AsyncPfCounts.None, TimeSpan.FromMilliseconds(3)),
        CaseResult.Skipped("linux-6.12", "linux", "kvm_pvm cannot boot unmodified Linux"),
    ]);

    [Fact]
    public void CountsLineNamesSkippedOnlyWhenThereAreAny()
    {
        Assert.Equal("1 passed, 1 failed, 1 skipped", Report.CountsLine);
        Assert.Equal("1 passed, 0 failed", (Report with { Cases = Report.Cases.Take(1).ToList() }).CountsLine);
    }

    [Fact]
    public void ResultsJsonHasTheHostAndEveryCaseField()
    {
        using var document = JsonDocument.Parse(ResultsJsonWriter.Write(Report));
        var root = document.RootElement;
        Assert.Equal("kvm_intel", root.GetProperty("host").GetProperty("flavour").GetString());
        var first = root.GetProperty("cases")[0];
        Assert.Equal("faults[pages=4]", first.GetProperty("name").GetString());
        Assert.Equal("passed", first.GetProperty("status").GetString());
        Assert.Equal(4, first.GetProperty("asyncPf").GetProperty("pageNotPresent").GetInt32());
        Assert.Equal(1, first.GetProperty("asyncPf").GetProperty("wakeupAll").GetInt32());
        Assert.Equal(12.5, first.GetProperty("durationMs").GetDouble());
        var check = root.GetProperty("cases")[1].GetProperty("checks")[0];
        Assert.Equal(("failed", "#GP", "accepted"),
            (check.GetProperty("status").GetString(), check.GetProperty("expected").GetString(), check.GetProperty("observed").GetString()));
        Assert.Equal("kvm_pvm cannot boot unmodified Linux", root.GetProperty("cases")[2].GetProperty("reason").GetString());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("skipped").GetInt32());
    }

    [Fact]
    public void ResultsJsonIsTheSameBytesForTheSameReport() =>
        Assert.Equal(ResultsJsonWriter.Write(Report), ResultsJsonWriter.Write(Report));

    [Fact]
    public void JUnitMarksFailuresAndSkipsWithTheirText()
    {
        var suite = XDocument.Parse(System.Text.Encoding.UTF8.GetString(JUnitWriter.Write(Report))).Root!.Element("testsuite")!;
        Assert.Equal("3", suite.Attribute("tests")!.Value);
        Assert.Equal("1", suite.Attribute("failures")!.Value);
        Assert.Equal("1", suite.Attribute("skipped")!.Value);
        var cases = suite.Elements("testcase").ToList();
        Assert.Null(cases[0].Element("failure"));
        Assert.Contains("expected #GP, observed accepted", cases[1].Element("failure")!.Value);
        Assert.Equal("kvm_pvm cannot boot unmodified Linux", cases[2].Element("skipped")!.Attribute("message")!.Value);
    }

    [Fact]
    public void CaseWithoutChecksIsNotAPass() =>
        Assert.Equal(Outcome.Skipped, CaseResult.Summarize([]));

    [Fact]
    public void AnyFailedCheckFailsTheCase() =>
        Assert.Equal(Outcome.Failed, CaseResult.Summarize([Check.Compare("a", 1, 1), Check.Compare("b", 1, 2)]));
}
