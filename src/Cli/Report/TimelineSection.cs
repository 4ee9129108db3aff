using System.Text;

namespace Vmspec.Cli.Report;

/// <summary>
/// One timeline per fault case and host: a row per token in order of its first event, each with three lanes (KVM's
/// injections, KVM's record of the guest's ACK write, the guest's reports) on a shared time axis; a bar joins a token's 'page not present' to its
/// page-ready. Every event is one mark whose hover names kind, token, witness and time.
/// </summary>
internal static class TimelineSection
{
    private const int LabelWidth = 150, PlotWidth = 820, RightMargin = 30, RowHeight = 42, TopMargin = 8, AxisHeight = 42;
    private const double TraceLane = 10, AckLane = 21, GuestLane = 32, MarkRadius = 6;

    public static void Write(StringBuilder html, VerifyReport report)
    {
        var faultCases = report.Runs.SelectMany(r => r.Cases.Where(c => c.Guest == "async-pf" || c.Events.Count > 0).Select(c => (Run: r, Case: c))).ToList();
        if (faultCases.Count == 0)
            return;
        html.Append("<section id=\"timelines\">\n<h2>Fault timelines</h2>\n");
        html.Append("<p class=\"lede\">Every token of each fault case on one clock (CLOCK_MONOTONIC, zero at the case's first event). "
            + "Filled marks are KVM's tracepoints (injection of the event, the ACK write), hollow marks the guest's reports (from its #PF "
            + "handler, and after it ACKed a page-ready). Hover a mark for its time.</p>\n");
        Legend(html);
        foreach (var (run, result) in faultCases.OrderBy(f => f.Case.Name, StringComparer.Ordinal).ThenBy(f => f.Run.Host.Name, StringComparer.Ordinal))
        {
            html.Append("<figure class=\"timeline\" id=\"").Append(Html.Id("timeline-", $"{run.Host.Name}-{result.Name}")).Append("\" data-events=\"")
                .Append(Html.Number(result.Events.Count)).Append("\"><figcaption><span class=\"badge ").Append(ResultsJsonWriter.Status(result.Status)).Append("\">")
                .Append(ResultsJsonWriter.Status(result.Status)).Append("</span> <code>").Append(Html.Text(result.Name)).Append("</code> on <b>")
                .Append(Html.Text(run.Host.Name)).Append("</b>: ")
                .Append(Html.Text($"the guest saw {result.AsyncPf.PageNotPresent} page-not-present, {result.AsyncPf.PageReady} page-ready, {result.AsyncPf.WakeupAll} wakeup-all"))
                .Append(result.Events.Count > 0 && result.Events.All(e => e.Source == CaseEvents.Trace)
                    ? Html.Text("; only KVM's trace has events (host-side async faults: KVM halted the vCPU instead of telling the guest)") : "")
                .Append("</figcaption>\n");
            if (result.Events.Count == 0)
                html.Append("<p class=\"lede\">No events recorded: ").Append(Html.Text(result.Status == Outcome.Skipped
                    ? result.Reason ?? "the case was skipped"
                    : "the guest reported no async #PF and no trace shares the run's clock")).Append(".</p>\n");
            else
                Chart(html, result.Events);
            html.Append("</figure>\n");
        }
        html.Append("</section>\n");
    }

    private static void Legend(StringBuilder html)
    {
        html.Append("<div class=\"legend\"><svg width=\"720\" height=\"22\" viewBox=\"0 0 720 22\">");
        double x = 10;
        foreach (var kind in new[] { CaseEvents.PageNotPresent, CaseEvents.PageReady, CaseEvents.Ack, CaseEvents.WakeupAll })
        {
            Mark(html, kind, x, 11, filled: true);
            html.Append("<text x=\"").Append(Html.Number(x + 12)).Append("\" y=\"15\" font-size=\"13\" fill=\"").Append(ReportStyle.Ink).Append("\">")
                .Append(kind).Append("</text>");
            x += 26 + kind.Length * 7.4;
        }
        Mark(html, CaseEvents.PageReady, x + 10, 11, filled: true);
        html.Append("<text x=\"").Append(Html.Number(x + 22)).Append("\" y=\"15\" font-size=\"13\" fill=\"").Append(ReportStyle.Ink).Append("\">trace (KVM)</text>");
        Mark(html, CaseEvents.PageReady, x + 130, 11, filled: false);
        html.Append("<text x=\"").Append(Html.Number(x + 142)).Append("\" y=\"15\" font-size=\"13\" fill=\"").Append(ReportStyle.Ink).Append("\">guest report</text>");
        html.Append("</svg></div>\n");
    }

    private static void Chart(StringBuilder html, IReadOnlyList<CaseEvent> events)
    {
        var tokens = events.Select(e => e.Token).Distinct().ToList(); // in order of each token's first event
        double end = Math.Max(events.Max(e => e.TimeUs), 1);
        var axis = TimeAxis.For(end);
        double Scale(double us) => LabelWidth + us / axis.End * PlotWidth;
        int height = TopMargin + tokens.Count * RowHeight + AxisHeight;
        int width = LabelWidth + PlotWidth + RightMargin;

        html.Append("<svg class=\"timeline-chart\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" viewBox=\"0 0 ").Append(width).Append(' ')
            .Append(height).Append("\" role=\"img\" aria-label=\"").Append(Html.Number(events.Count)).Append(" events of ").Append(Html.Number(tokens.Count)).Append(" tokens\">\n");
        int plotBottom = TopMargin + tokens.Count * RowHeight;
        foreach (double tick in axis.Ticks)
        {
            string x = Html.Number(Scale(tick));
            html.Append("<line x1=\"").Append(x).Append("\" x2=\"").Append(x).Append("\" y1=\"").Append(TopMargin).Append("\" y2=\"").Append(plotBottom + 4)
                .Append("\" stroke=\"").Append(ReportStyle.Grid).Append("\"/><text x=\"").Append(x).Append("\" y=\"").Append(plotBottom + 18)
                .Append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"").Append(ReportStyle.Muted).Append("\">").Append(axis.Label(tick)).Append("</text>\n");
        }
        html.Append("<text x=\"").Append(LabelWidth + PlotWidth / 2).Append("\" y=\"").Append(plotBottom + 36).Append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"")
            .Append(ReportStyle.Muted).Append("\">time since the case's first event (").Append(axis.Unit).Append(")</text>\n");

        for (int row = 0; row < tokens.Count; row++)
        {
            uint token = tokens[row];
            double top = TopMargin + row * RowHeight;
            if (row % 2 == 1)
                html.Append("<rect x=\"0\" y=\"").Append(Html.Number(top)).Append("\" width=\"").Append(LabelWidth + PlotWidth).Append("\" height=\"").Append(RowHeight)
                    .Append("\" fill=\"#f6f8fa\"/>\n");
            html.Append("<text x=\"").Append(LabelWidth - 36).Append("\" y=\"").Append(Html.Number(top + 22)).Append("\" font-size=\"12\" text-anchor=\"end\" fill=\"")
                .Append(ReportStyle.Ink).Append("\" font-family=\"ui-monospace, DejaVu Sans Mono, monospace\">").Append(Html.Token(token)).Append("</text>");
            foreach (var (name, lane) in new[] { ("KVM", TraceLane), ("ACK", AckLane), ("guest", GuestLane) })
                html.Append("<text x=\"").Append(LabelWidth - 6).Append("\" y=\"").Append(Html.Number(top + lane + 3)).Append("\" font-size=\"9\" text-anchor=\"end\" fill=\"")
                    .Append(ReportStyle.Muted).Append("\">").Append(name).Append("</text>");
            html.Append('\n');
            foreach (var (source, lane) in new[] { (CaseEvents.Trace, TraceLane), (CaseEvents.Guest, GuestLane) })
            {
                var mine = events.Where(e => e.Token == token && e.Source == source).ToList();
                var notPresent = mine.FirstOrDefault(e => e.Kind == CaseEvents.PageNotPresent);
                var ready = mine.FirstOrDefault(e => e.Kind == CaseEvents.PageReady);
                if (notPresent is not null && ready is not null && ready.TimeUs >= notPresent.TimeUs)
                    html.Append("<line class=\"wait\" x1=\"").Append(Html.Number(Scale(notPresent.TimeUs))).Append("\" x2=\"").Append(Html.Number(Scale(ready.TimeUs)))
                        .Append("\" y1=\"").Append(Html.Number(top + lane)).Append("\" y2=\"").Append(Html.Number(top + lane)).Append("\" stroke=\"")
                        .Append(ReportStyle.Muted).Append("\" stroke-width=\"2\" stroke-opacity=\"0.55\"><title>")
                        .Append(Html.Text($"{Html.Token(token)} waited {Html.Number(ready.TimeUs - notPresent.TimeUs)} µs ({source})")).Append("</title></line>\n");
                foreach (var e in mine)
                {
                    html.Append("<g class=\"mark\" data-kind=\"").Append(e.Kind).Append("\" data-source=\"").Append(e.Source).Append("\"><title>")
                        .Append(Html.Text($"{e.Kind} {Html.Token(e.Token)} · {(e.Source == CaseEvents.Trace ? "KVM trace" : "guest report")} · {Html.Number(e.TimeUs)} µs"))
                        .Append("</title>");
                    Mark(html, e.Kind, Scale(e.TimeUs), top + (e.Kind == CaseEvents.Ack ? AckLane : lane), filled: e.Source == CaseEvents.Trace);
                    html.Append("</g>\n");
                }
            }
        }
        html.Append("<line x1=\"").Append(LabelWidth).Append("\" x2=\"").Append(LabelWidth + PlotWidth).Append("\" y1=\"").Append(plotBottom + 4).Append("\" y2=\"")
            .Append(plotBottom + 4).Append("\" stroke=\"").Append(ReportStyle.Muted).Append("\"/>\n</svg>\n");
    }

    /// <summary>The shape of each kind: 'page not present' a downward triangle, page-ready a circle, ACK a diamond, wakeup-all a square.</summary>
    private static void Mark(StringBuilder html, string kind, double x, double y, bool filled)
    {
        string colour = kind switch
        {
            CaseEvents.PageNotPresent => ReportStyle.NotPresent,
            CaseEvents.PageReady => ReportStyle.PageReady,
            CaseEvents.Ack => ReportStyle.Ack,
            _ => ReportStyle.WakeupAll,
        };
        string paint = filled ? $"fill=\"{colour}\" stroke=\"{colour}\" stroke-width=\"1\"" : $"fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"2\"";
        double r = MarkRadius;
        string shape = kind switch
        {
            CaseEvents.PageNotPresent => $"<path d=\"M{P(x - r)} {P(y - r + 1)} H{P(x + r)} L{P(x)} {P(y + r)} Z\"",
            CaseEvents.PageReady => $"<circle cx=\"{P(x)}\" cy=\"{P(y)}\" r=\"{P(r - 0.5)}\"",
            CaseEvents.Ack => $"<path d=\"M{P(x)} {P(y - r)} L{P(x + r)} {P(y)} L{P(x)} {P(y + r)} L{P(x - r)} {P(y)} Z\"",
            _ => $"<rect x=\"{P(x - r + 1)}\" y=\"{P(y - r + 1)}\" width=\"{P(2 * r - 2)}\" height=\"{P(2 * r - 2)}\"",
        };
        html.Append(shape).Append(' ').Append(paint).Append("/>");
    }

    private static string P(double value) => Html.Number(value);
}
