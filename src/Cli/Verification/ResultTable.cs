using Vmspec.Cli.Results;
using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Cli.Verification;

/// <summary>The summary table: case, guest, outcome, checks passed of total, time; then failures in full.</summary>
internal static class ResultTable
{
    public static void Write(VerifyReport report, TextWriter output)
    {
        var nameWidth = Math.Clamp(report.Cases.Select(c => c.Name.Length).DefaultIfEmpty(4).Max(), 4, 72);
        output.WriteLine($"{"case".PadRight(nameWidth)}  {"guest",-12} {"outcome",-8} {"checks",7} {"time",10}");
        foreach (var result in report.Cases)
        {
            var passed = result.Checks.Count(c => c.Status == Outcome.Passed);
            var name = result.Name.Length > nameWidth ? result.Name[..(nameWidth - 1)] + "…" : result.Name.PadRight(nameWidth);
            output.WriteLine($"{name}  {result.Guest,-12} {ResultsJsonWriter.Status(result.Status),-8} {$"{passed}/{result.Checks.Count}",7} {result.Duration.TotalMilliseconds,8:0.0}ms");
        }
        foreach (var result in report.Cases.Where(c => c.Status == Outcome.Failed))
        {
            output.WriteLine();
            output.WriteLine($"FAILED {result.Name}");
            foreach (var check in result.Checks.Where(c => c.Status == Outcome.Failed))
                output.WriteLine($"  {check.Name}: expected {check.Expected}; observed {check.Observed}");
        }
        var skipReasons = report.Cases.Where(c => c.Status == Outcome.Skipped).GroupBy(c => c.Reason ?? "").ToList();
        foreach (var group in skipReasons)
            output.WriteLine($"skipped {group.Count()}: {group.Key}");
    }
}
