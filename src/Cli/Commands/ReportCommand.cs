using Vmspec.Cli.Report;
using Vmspec.Shared.Io;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec report RESULTS.json [-o report.html]</c>: renders the HTML report from a results.json written earlier (a CI
/// artifact, a shard's results), the same page <c>verify --report</c> writes. Exits 2 when the file cannot be read.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var results = new Argument<string>("results") { Description = "a results.json that vmspec verify wrote" };
        var output = new Option<string>("--output", "-o") { Description = "the HTML file to write", DefaultValueFactory = _ => "report.html" };
        var command = new Command("report", "Render the self-contained HTML report (summary, failures, protocol matrix, fault timelines) from a results.json")
        {
            results, output,
        };
        command.SetAction(parse => Run(parse.GetValue(results)!, parse.GetValue(output)!));
        return command;
    }

    private static int Run(string resultsPath, string outputPath)
    {
        VerifyReport report;
        try
        {
            report = ResultsJsonReader.Read(File.ReadAllBytes(resultsPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            Console.Error.WriteLine($"error: {resultsPath}: {e.Message}");
            return 2;
        }
        AtomicFile.Write(outputPath, HtmlReport.Render(report));
        Console.Error.WriteLine($"vmspec report: {outputPath} ({report.CountsLine})");
        return 0;
    }
}
