using System.Text;

namespace Vmspec.Cli.Report;

/// <summary>Every case with its status on each host (passed checks of all) and, folded, each host's checks.</summary>
internal static class CasesSection
{
    public static void Write(StringBuilder html, VerifyReport report)
    {
        html.Append("<section id=\"cases\">\n<h2>All cases (").Append(Html.Number(report.CaseNames.Count)).Append(")</h2>\n");
        html.Append("<table class=\"cases\">\n<tr><th>case</th>");
        foreach (var run in report.Runs)
            html.Append("<th>").Append(Html.Text(run.Host.Name)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var name in report.CaseNames)
        {
            html.Append("<tr><td class=\"cases-name\"><details><summary>").Append(Html.Text(name)).Append("</summary>\n");
            foreach (var run in report.Runs)
            {
                if (run.Find(name) is not { } result)
                    continue;
                html.Append("<p><b>").Append(Html.Text(run.Host.Name)).Append("</b> (").Append(Html.Text(result.Guest)).Append(")</p>\n<table>");
                foreach (var check in result.Checks)
                    html.Append("<tr><td><span class=\"badge ").Append(ResultsJsonWriter.Status(check.Status)).Append("\">").Append(ResultsJsonWriter.Status(check.Status))
                        .Append("</span></td><td>").Append(Html.Text(check.Name)).Append("</td><td>").Append(Html.Text(check.Expected)).Append("</td><td>")
                        .Append(Html.Text(check.Observed)).Append("</td></tr>\n");
                html.Append("</table>\n");
            }
            html.Append("</details></td>");
            foreach (var run in report.Runs)
            {
                html.Append("<td>");
                if (run.Find(name) is { } result)
                    html.Append("<span class=\"badge ").Append(ResultsJsonWriter.Status(result.Status)).Append("\">").Append(ResultsJsonWriter.Status(result.Status))
                        .Append("</span> ").Append(Html.Number(result.Checks.Count(c => c.Status == Outcome.Passed))).Append('/').Append(Html.Number(result.Checks.Count));
                else
                    html.Append("not run");
                html.Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n</section>\n");
    }
}
