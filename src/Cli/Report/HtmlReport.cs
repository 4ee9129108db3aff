using System.Text;

namespace Vmspec.Cli.Report;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) over a <see cref="VerifyReport"/>:
/// the summary per host, failures first with expected and observed, the protocol matrix as heat-maps, a timeline per fault
/// case, then every case. The same report gives the same bytes: no clock, no random ids, ordinal ordering, invariant numbers.
/// </summary>
internal static class HtmlReport
{
    public static byte[] Render(VerifyReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>vmspec verify: ")
            .Append(Html.Text(report.CountsLine)).Append("</title>\n<style>\n").Append(ReportStyle.Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>vmspec verify</h1>\n<p class=\"lede\" id=\"counts\">").Append(Html.Text(report.CountsLine)).Append(" over ")
            .Append(Html.Number(report.CaseNames.Count)).Append(" case(s) on ").Append(Html.Number(report.Runs.Count)).Append(" host(s): ")
            .Append(Html.Text(string.Join(", ", report.Runs.Select(r => r.Host.Name)))).Append("</p>\n");
        html.Append("<nav><a href=\"#summary\">summary</a><a href=\"#failures\">failures</a><a href=\"#matrix\">protocol matrix</a>")
            .Append("<a href=\"#timelines\">fault timelines</a><a href=\"#cases\">all cases</a></nav>\n");
        SummarySection.Write(html, report);
        FailuresSection.Write(html, report);
        HeatMapSection.Write(html, report);
        TimelineSection.Write(html, report);
        CasesSection.Write(html, report);
        html.Append("</body>\n</html>\n");
        return new UTF8Encoding(false).GetBytes(html.ToString());
    }
}
