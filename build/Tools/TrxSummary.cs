using System.Xml.Linq;

namespace Vmspec.Build.Tools;

internal enum TestOutcome { Passed, Failed, Skipped }

/// <summary>One test result of a TRX report: the test app (codeBase), class and method it ran, and its message or skip reason.</summary>
internal sealed record TrxTest(string Assembly, string ClassName, string Method, string TestName, TestOutcome Outcome, string Text)
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static IReadOnlyList<TrxTest> Read(IEnumerable<string> trxFiles) =>
        trxFiles.Order(StringComparer.Ordinal).SelectMany(file => Read(XDocument.Load(file))).ToList();

    private static IEnumerable<TrxTest> Read(XDocument report)
    {
        var methods = report.Descendants(Trx + "UnitTest").ToDictionary(
            t => (string?)t.Attribute("id") ?? "",
            t => t.Element(Trx + "TestMethod"));
        foreach (var result in report.Descendants(Trx + "UnitTestResult"))
        {
            var method = methods.GetValueOrDefault((string?)result.Attribute("testId") ?? "");
            var outcome = (string?)result.Attribute("outcome") switch
            {
                "Passed" => TestOutcome.Passed,
                "NotExecuted" => TestOutcome.Skipped,
                _ => TestOutcome.Failed,
            };
            yield return new TrxTest(
                (string?)method?.Attribute("codeBase") ?? "",
                (string?)method?.Attribute("className") ?? "",
                (string?)method?.Attribute("name") ?? "",
                (string?)result.Attribute("testName") ?? "?",
                outcome,
                TextOf(result, outcome == TestOutcome.Skipped ? "StdOut" : "Message"));
        }
    }

    private static string TextOf(XElement result, string element) =>
        result.Descendants(Trx + element).FirstOrDefault()?.Value.Trim() ?? "";
}

/// <summary>The outcome counts of a set of test results, with the names and reasons of skipped and failed tests.</summary>
internal sealed record TrxSummary(int Passed, int Failed, int Skipped,
    IReadOnlyList<(string Test, string Reason)> SkippedTests,
    IReadOnlyList<(string Test, string Message)> FailedTests)
{
    public static TrxSummary Read(IEnumerable<string> trxFiles) => Of(TrxTest.Read(trxFiles));

    public static TrxSummary Of(IEnumerable<TrxTest> tests)
    {
        var all = tests.ToList();
        return new TrxSummary(
            all.Count(t => t.Outcome == TestOutcome.Passed),
            all.Count(t => t.Outcome == TestOutcome.Failed),
            all.Count(t => t.Outcome == TestOutcome.Skipped),
            all.Where(t => t.Outcome == TestOutcome.Skipped).Select(t => (t.TestName, t.Text)).ToList(),
            all.Where(t => t.Outcome == TestOutcome.Failed).Select(t => (t.TestName, t.Text)).ToList());
    }

    /// <summary>The closing line CI reads: <c>N passed, M failed, K skipped</c>.</summary>
    public string CountsLine => $"{Passed} passed, {Failed} failed, {Skipped} skipped";
}
