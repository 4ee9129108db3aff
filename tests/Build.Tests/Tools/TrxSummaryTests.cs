using Vmspec.Build.Tools;
using Vmspec.TestSupport;

namespace Vmspec.Build.Tests.Tools;

public class TrxSummaryTests
{
    private const string Report = """
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
        <UnitTestResult testName="A.Passes" outcome="Passed" />
        <UnitTestResult testName="A.NeedsKvm" outcome="NotExecuted"><Output><StdOut>no /dev/kvm</StdOut></Output></UnitTestResult>
        <UnitTestResult testName="A.Breaks" outcome="Failed"><Output><ErrorInfo><Message>Assert.Equal() Failure</Message></ErrorInfo></Output></UnitTestResult>
        <UnitTestResult testName="B.Passes" outcome="Passed" />
        </Results></TestRun>
        """;

    [Fact]
    public void Counts_outcomes_across_files_with_reasons()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "one.trx"), Report);
        File.WriteAllText(Path.Combine(directory.Path, "two.trx"), Report);
        var summary = TrxSummary.Read(Directory.GetFiles(directory.Path));
        Assert.Equal("4 passed, 2 failed, 2 skipped", summary.CountsLine);
        Assert.Equal(("A.NeedsKvm", "no /dev/kvm"), summary.SkippedTests[0]);
        Assert.Equal(("A.Breaks", "Assert.Equal() Failure"), summary.FailedTests[0]);
    }
}

public class TrxTestTests
{
    private const string Report = """
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
        <UnitTestResult testName="N.C.Runs(x: 1)" testId="t1" outcome="NotExecuted"><Output><StdOut>KVM unavailable: no /dev/kvm</StdOut></Output></UnitTestResult>
        <UnitTestResult testName="N.C.Other" testId="t2" outcome="Error"><Output><ErrorInfo><Message>boom</Message></ErrorInfo></Output></UnitTestResult>
        </Results><TestDefinitions>
        <UnitTest id="t1"><TestMethod codeBase="/r/A.Tests.dll" className="N.C" name="Runs" /></UnitTest>
        <UnitTest id="t2"><TestMethod codeBase="/r/A.Tests.dll" className="N.C" name="Other" /></UnitTest>
        </TestDefinitions></TestRun>
        """;

    [Fact]
    public void Each_result_names_its_test_app_class_and_method_so_it_can_be_run_again_by_filter()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Report);
            var tests = TrxTest.Read([file]);
            Assert.Equal(
                [new TrxTest("/r/A.Tests.dll", "N.C", "Runs", "N.C.Runs(x: 1)", TestOutcome.Skipped, "KVM unavailable: no /dev/kvm"),
                 new TrxTest("/r/A.Tests.dll", "N.C", "Other", "N.C.Other", TestOutcome.Failed, "boom")],
                tests);
            Assert.Equal("0 passed, 1 failed, 1 skipped", TrxSummary.Of(tests).CountsLine);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
