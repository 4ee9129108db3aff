using Vmspec.Build.Tools;

namespace Vmspec.Build.Tests;

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
    public void CountsOutcomesAcrossFilesWithReasons()
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "one.trx"), Report);
            File.WriteAllText(Path.Combine(directory.FullName, "two.trx"), Report);
            var summary = TrxSummary.Read(Directory.GetFiles(directory.FullName));
            Assert.Equal("4 passed, 2 failed, 2 skipped", summary.CountsLine);
            Assert.Equal(("A.NeedsKvm", "no /dev/kvm"), summary.SkippedTests[0]);
            Assert.Equal(("A.Breaks", "Assert.Equal() Failure"), summary.FailedTests[0]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
