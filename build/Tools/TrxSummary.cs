using System.Xml.Linq;

namespace Vmspec.Build.Tools;

/// <summary>The outcome counts of one or more TRX reports, with the names and reasons of skipped and failed tests.</summary>
internal sealed record TrxSummary(int Passed, int Failed, int Skipped,
    IReadOnlyList<(string Test, string Reason)> SkippedTests,
    IReadOnlyList<(string Test, string Message)> FailedTests)
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static TrxSummary Read(IEnumerable<string> trxFiles)
    {
        int passed = 0, failed = 0, skipped = 0;
        var skippedTests = new List<(string, string)>();
        var failedTests = new List<(string, string)>();
        foreach (var file in trxFiles.Order(StringComparer.Ordinal))
        {
            foreach (var result in XDocument.Load(file).Descendants(Trx + "UnitTestResult"))
            {
                var name = (string?)result.Attribute("testName") ?? "?";
                switch ((string?)result.Attribute("outcome"))
                {
                    case "Passed":
                        passed++;
                        break;
                    case "NotExecuted":
                        skipped++;
                        skippedTests.Add((name, Text(result, "StdOut")));
                        break;
                    default:
                        failed++;
                        failedTests.Add((name, Text(result, "Message")));
                        break;
                }
            }
        }
        return new TrxSummary(passed, failed, skipped, skippedTests, failedTests);
    }

    /// <summary>The closing line CI reads: <c>N passed, M failed, K skipped</c>.</summary>
    public string CountsLine => $"{Passed} passed, {Failed} failed, {Skipped} skipped";

    private static string Text(XElement result, string element) =>
        result.Descendants(Trx + element).FirstOrDefault()?.Value.Trim() ?? "";
}
