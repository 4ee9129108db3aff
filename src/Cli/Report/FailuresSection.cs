using System.Text;

namespace Vmspec.Cli.Report;

/// <summary>Every failed (case, host) pair first, each failed check with what was expected and what was observed; a lab that failed with its console's tail.</summary>
internal static class FailuresSection
{
    public static void Write(StringBuilder html, VerifyReport report)
    {
        int failed = report.Count(Outcome.Failed);
        html.Append("<section id=\"failures\">\n<h2>Failures (").Append(Html.Number(failed)).Append(")</h2>\n");
        if (failed == 0)
            html.Append("<p class=\"ok-banner\">No failures: every case passed or was skipped on every host.</p>\n");
        foreach (var run in report.Runs)
        {
            if (run.Host.LabFailure is { } lab)
            {
                html.Append("<div class=\"failure lab-failure\"><h3>").Append(Html.Text($"the lab of {run.Host.Name}: {lab.Kind}")).Append("</h3><p>")
                    .Append(Html.Text(lab.Error)).Append("</p>\n");
                if (lab.ConsoleTail.Count > 0)
                    html.Append("<pre class=\"console\">").Append(Html.Text(string.Join('\n', lab.ConsoleTail))).Append("</pre>\n");
                html.Append("</div>\n");
            }
            foreach (var result in run.Cases.Where(c => c.Status == Outcome.Failed))
            {
                html.Append("<div class=\"failure case-failure\" id=\"").Append(Html.Id("fail-", $"{run.Host.Name}-{result.Name}")).Append("\"><h3><code>")
                    .Append(Html.Text(result.Name)).Append("</code> on ").Append(Html.Text(run.Host.Name)).Append("</h3>\n");
                if (result.Reason is not null)
                    html.Append("<p>").Append(Html.Text(result.Reason)).Append("</p>\n");
                html.Append("<table><tr><th>check</th><th>expected</th><th>observed</th></tr>\n");
                foreach (var check in result.Checks.Where(c => c.Status == Outcome.Failed))
                    html.Append("<tr><td>").Append(Html.Text(check.Name)).Append("</td><td class=\"mono\">").Append(Html.Text(check.Expected))
                        .Append("</td><td class=\"mono\">").Append(Html.Text(check.Observed)).Append("</td></tr>\n");
                html.Append("</table></div>\n");
            }
        }
        html.Append("</section>\n");
    }
}
