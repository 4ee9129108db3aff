using Vmspec.Cli.Report;
using Vmspec.Shared.Io;

namespace Vmspec.Cli.Results;

/// <summary>What <c>verify --results DIR</c> and <c>merge -o DIR</c> write: results.json, junit.xml and report.html, each atomically.</summary>
internal static class ResultsDirectory
{
    public const string ResultsFile = "results.json";

    public static void Write(string directory, VerifyReport report)
    {
        AtomicFile.Write(Path.Combine(directory, ResultsFile), ResultsJsonWriter.Write(report));
        AtomicFile.Write(Path.Combine(directory, "junit.xml"), JUnitWriter.Write(report));
        AtomicFile.Write(Path.Combine(directory, "report.html"), HtmlReport.Render(report));
    }
}
