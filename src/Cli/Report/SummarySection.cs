using System.Text;

namespace Vmspec.Cli.Report;

/// <summary>One row per host: where it ran (kernel, KVM flavour, lab accel and QEMU) and its passed, failed and skipped cases.</summary>
internal static class SummarySection
{
    private const int BarWidth = 220, BarHeight = 14;

    public static void Write(StringBuilder html, VerifyReport report)
    {
        html.Append("<section id=\"summary\">\n<h2>Summary per host</h2>\n");
        html.Append("<table class=\"summary\">\n<tr><th>host</th><th>where</th><th>passed</th><th>failed</th><th>skipped</th><th>cases</th></tr>\n");
        foreach (var run in report.Runs)
        {
            html.Append("<tr class=\"host-row\" data-host=\"").Append(Html.Text(run.Host.Name)).Append("\"><td><b>")
                .Append(Html.Text(run.Host.Name)).Append("</b></td><td>").Append(Html.Text(Where(run.Host))).Append("</td>");
            Counts(html, run.Count(Outcome.Passed), run.Count(Outcome.Failed), run.Count(Outcome.Skipped));
            html.Append("</tr>\n");
        }
        if (report.Runs.Count > 1)
        {
            html.Append("<tr><td><b>all hosts</b></td><td>(case, host) pairs</td>");
            Counts(html, report.Count(Outcome.Passed), report.Count(Outcome.Failed), report.Count(Outcome.Skipped));
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
        foreach (var run in report.Runs.Where(r => r.Host.Reason is not null && r.Host.LabFailure is null))
            html.Append("<p class=\"lede\">").Append(Html.Text($"{run.Host.Name}: {run.Host.Reason}")).Append("</p>\n");
        html.Append("</section>\n");
    }

    internal static string Where(HostInfo host)
    {
        var parts = new List<string> { host.Mode, host.KernelRelease ?? "kernel unknown", host.Flavour ?? "KVM flavour unknown" };
        if (host.IsLab)
        {
            parts.Add($"accel {host.Accel ?? "unknown"}");
            if (host.QemuVersion is not null)
                parts.Add($"QEMU {host.QemuVersion}");
            if (host.LabBoot is { } boot)
                parts.Add($"boot {Html.Number(boot.TotalSeconds)} s");
        }
        if (host.LabFailure is { } failure)
            parts.Add($"lab {failure.Kind}");
        return string.Join(", ", parts);
    }

    private static void Counts(StringBuilder html, int passed, int failed, int skipped)
    {
        html.Append("<td class=\"num passed-count\">").Append(Html.Number(passed)).Append("</td><td class=\"num failed-count\">")
            .Append(Html.Number(failed)).Append("</td><td class=\"num skipped-count\">").Append(Html.Number(skipped)).Append("</td><td>");
        int total = passed + failed + skipped;
        html.Append("<svg width=\"").Append(BarWidth).Append("\" height=\"").Append(BarHeight).Append("\" viewBox=\"0 0 ")
            .Append(BarWidth).Append(' ').Append(BarHeight).Append("\" role=\"img\" aria-label=\"")
            .Append(Html.Text(Results.Counts.Line(passed, failed, skipped))).Append("\">");
        double x = 0;
        foreach (var (count, colour, label) in new[] { (passed, ReportStyle.Passed, "passed"), (failed, ReportStyle.Failed, "failed"), (skipped, ReportStyle.Skipped, "skipped") })
        {
            if (count == 0 || total == 0)
                continue;
            double width = (double)BarWidth * count / total;
            html.Append("<rect x=\"").Append(Html.Number(x)).Append("\" y=\"0\" width=\"").Append(Html.Number(width)).Append("\" height=\"")
                .Append(BarHeight).Append("\" fill=\"").Append(colour).Append("\"><title>").Append(Html.Number(count)).Append(' ').Append(label)
                .Append("</title></rect>");
            x += width;
        }
        html.Append("</svg></td>");
    }
}
