using System.Text;
using Vmspec.Abi.KvmPara;

namespace Vmspec.Cli.Report;

/// <summary>
/// The protocol matrix as heat-maps: for each matrix spec of <c>msr-protocol</c> cases, one grid per host and value of
/// the remaining axes (enforcement), rows the <c>features</c> axis and columns the <c>en</c> axis (else the first two
/// axes). A cell is the case's own write of MSR_KVM_ASYNC_PF_EN: accepted, #GP, or disagreeing with the oracle; its
/// hover names the oracle's rules. A dark outline marks a case where another check failed, a corner mark a cell
/// where the hosts disagree.
/// </summary>
internal static class HeatMapSection
{
    private const int LabelWidth = 120, CellWidth = 100, CellHeight = 30, HeaderHeight = 26;
    private static readonly string EnWrite = $"wrmsr {KvmPvMsrs.Describe(KvmPvMsrs.AsyncPfEn)} ";

    private enum CellOutcome { Accept, GeneralProtection, Disagree, NotRun }

    private sealed record Cell(CaseResult Case, MatrixCaseName Name, CellOutcome Outcome, Check? EnCheck);

    public static void Write(StringBuilder html, VerifyReport report)
    {
        var specs = report.Runs.SelectMany(r => r.Cases)
            .Where(c => c.Guest == "msr-protocol" && MatrixCaseName.Parse(c.Name) is { Axes.Count: >= 2 })
            .Select(c => MatrixCaseName.Parse(c.Name)!.Spec).Distinct().Order(StringComparer.Ordinal).ToList();
        if (specs.Count == 0)
            return;
        html.Append("<section id=\"matrix\">\n<h2>Protocol matrix</h2>\n");
        html.Append("<p class=\"lede\">Each cell is one case: its guest's WRMSR of MSR_KVM_ASYNC_PF_EN with that EN value under those PV features. "
            + "Hover a cell for the expected and observed outcome and the oracle's rules, with the kernel lines they cite.</p>\n");
        Legend(html);
        foreach (var spec in specs)
            WriteSpec(html, report, spec);
        html.Append("</section>\n");
    }

    private static void Legend(StringBuilder html)
    {
        html.Append("<div class=\"legend\">");
        foreach (var (colour, label) in new[]
        {
            (ReportStyle.Accept, "accepted (as the oracle predicts)"), (ReportStyle.GeneralProtection, "#GP (as the oracle predicts)"),
            (ReportStyle.Disagree, "≠ disagrees with the oracle"), (ReportStyle.NotRun, "skipped or not run"),
        })
            html.Append("<span><i class=\"swatch\" style=\"background:").Append(colour).Append("\"></i>").Append(Html.Text(label)).Append("</span>");
        html.Append("<span><i class=\"swatch\" style=\"border:3px solid ").Append(ReportStyle.Ink).Append("\"></i>another check of the case failed</span>");
        html.Append("<span><svg width=\"16\" height=\"16\"><path d=\"M4 0 H16 V12 Z\" fill=\"").Append(ReportStyle.Ink)
            .Append("\"/></svg>hosts disagree on this cell</span></div>\n");
    }

    private static void WriteSpec(StringBuilder html, VerifyReport report, string spec)
    {
        var cells = report.Runs.ToDictionary(r => r.Host.Name, r => r.Cases
            .Select(c => (Case: c, Name: MatrixCaseName.Parse(c.Name)))
            .Where(c => c.Name?.Spec == spec && c.Case.Guest == "msr-protocol")
            .Select(c => Judge(c.Case, c.Name!)).ToList());
        var axes = cells.Values.SelectMany(c => c).First().Name.Axes.Keys.Order(StringComparer.Ordinal).ToList();
        string rowAxis = axes.Contains("features") ? "features" : axes[0];
        string columnAxis = axes.Contains("en") ? "en" : axes.First(a => a != rowAxis);
        var panelAxes = axes.Where(a => a != rowAxis && a != columnAxis).ToList();
        var all = cells.Values.SelectMany(c => c).ToList();
        var panels = all.Select(c => PanelKey(c.Name, panelAxes)).Distinct().Order(StringComparer.Ordinal).ToList();
        var columns = all.Select(c => c.Name.Axes[columnAxis]).Distinct().Order(StringComparer.Ordinal).ToList();

        html.Append("<h3>").Append(Html.Text(spec)).Append(": ").Append(Html.Text(rowAxis)).Append(" × ").Append(Html.Text(columnAxis)).Append("</h3>\n");
        foreach (var panel in panels)
        {
            var inPanel = all.Where(c => PanelKey(c.Name, panelAxes) == panel).ToList();
            var rows = inPanel.Select(c => c.Name.Axes[rowAxis]).Distinct().Order(StringComparer.Ordinal).ToList();
            foreach (var run in report.Runs)
            {
                var byPosition = cells[run.Host.Name].Where(c => PanelKey(c.Name, panelAxes) == panel)
                    .ToDictionary(c => (Row: c.Name.Axes[rowAxis], Column: c.Name.Axes[columnAxis]));
                string title = $"{run.Host.Name}{(panel.Length > 0 ? " · " + panel : "")}";
                html.Append("<figure class=\"heatmap\" data-host=\"").Append(Html.Text(run.Host.Name)).Append("\" data-panel=\"").Append(Html.Text(panel))
                    .Append("\"><figcaption><b>").Append(Html.Text(title)).Append("</b></figcaption>\n");
                Grid(html, rows, columns, rowAxis, columnAxis, byPosition,
                    (row, column) => Disagreement(report, cells, panelAxes, panel, rowAxis, row, columnAxis, column));
                html.Append("</figure>\n");
            }
        }
    }

    private static void Grid(StringBuilder html, IReadOnlyList<string> rows, IReadOnlyList<string> columns, string rowAxis, string columnAxis,
        IReadOnlyDictionary<(string Row, string Column), Cell> cells, Func<string, string, string?> disagreement)
    {
        int width = LabelWidth + columns.Count * CellWidth + 2, height = HeaderHeight + rows.Count * CellHeight + 2;
        html.Append("<svg class=\"heatmap-grid\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" viewBox=\"0 0 ")
            .Append(width).Append(' ').Append(height).Append("\" role=\"img\" aria-label=\"").Append(Html.Text($"{rowAxis} by {columnAxis}")).Append("\">\n");
        html.Append("<text x=\"4\" y=\"17\" font-size=\"11\" fill=\"").Append(ReportStyle.Muted).Append("\">")
            .Append(Html.Text($"{rowAxis} ↓ {columnAxis} →")).Append("</text>\n");
        for (int c = 0; c < columns.Count; c++)
            html.Append("<text x=\"").Append(LabelWidth + c * CellWidth + CellWidth / 2).Append("\" y=\"17\" font-size=\"12\" text-anchor=\"middle\" fill=\"")
                .Append(ReportStyle.Ink).Append("\">").Append(Html.Text(columns[c])).Append("</text>\n");
        for (int r = 0; r < rows.Count; r++)
        {
            int y = HeaderHeight + r * CellHeight;
            html.Append("<text x=\"").Append(LabelWidth - 8).Append("\" y=\"").Append(y + CellHeight / 2 + 4)
                .Append("\" font-size=\"12\" text-anchor=\"end\" fill=\"").Append(ReportStyle.Ink).Append("\">").Append(Html.Text(rows[r])).Append("</text>\n");
            for (int c = 0; c < columns.Count; c++)
            {
                int x = LabelWidth + c * CellWidth;
                if (!cells.TryGetValue((rows[r], columns[c]), out var cell))
                {
                    html.Append("<rect x=\"").Append(x + 1).Append("\" y=\"").Append(y + 1).Append("\" width=\"").Append(CellWidth - 2).Append("\" height=\"")
                        .Append(CellHeight - 2).Append("\" fill=\"#ffffff\" stroke=\"").Append(ReportStyle.Grid).Append("\" stroke-dasharray=\"3 3\"><title>")
                        .Append(Html.Text($"{rowAxis}={rows[r]}, {columnAxis}={columns[c]}: not in the matrix")).Append("</title></rect>\n");
                    continue;
                }
                WriteCell(html, cell, x, y, disagreement(rows[r], columns[c]));
            }
        }
        html.Append("</svg>\n");
    }

    private static void WriteCell(StringBuilder html, Cell cell, int x, int y, string? hostsDiffer)
    {
        var (fill, label, ink) = cell.Outcome switch
        {
            CellOutcome.Accept => (ReportStyle.Accept, "accept", ReportStyle.Ink),
            CellOutcome.GeneralProtection => (ReportStyle.GeneralProtection, "#GP", ReportStyle.Ink),
            CellOutcome.Disagree => (ReportStyle.Disagree, "≠ " + (cell.EnCheck?.Observed.Split(';')[0] ?? "failed"), "#ffffff"),
            _ => (ReportStyle.NotRun, cell.Case.Status == Outcome.Skipped ? "skipped" : "not run", ReportStyle.Muted),
        };
        bool otherFailed = cell.Case.Checks.Any(c => c.Status == Outcome.Failed && c != cell.EnCheck);
        html.Append("<g class=\"cell\" data-outcome=\"").Append(cell.Outcome switch
        {
            CellOutcome.Accept => "accept",
            CellOutcome.GeneralProtection => "gp",
            CellOutcome.Disagree => "disagree",
            _ => "not-run",
        }).Append("\"><title>").Append(Html.Text(Hover(cell, otherFailed, hostsDiffer))).Append("</title>");
        html.Append("<rect x=\"").Append(x + 1).Append("\" y=\"").Append(y + 1).Append("\" width=\"").Append(CellWidth - 2).Append("\" height=\"")
            .Append(CellHeight - 2).Append("\" fill=\"").Append(fill).Append('"');
        if (otherFailed)
            html.Append(" stroke=\"").Append(ReportStyle.Ink).Append("\" stroke-width=\"3\"");
        html.Append("/>");
        html.Append("<text x=\"").Append(x + CellWidth / 2).Append("\" y=\"").Append(y + CellHeight / 2 + 5).Append("\" font-size=\"13\" text-anchor=\"middle\" fill=\"")
            .Append(ink).Append("\"").Append(cell.Outcome == CellOutcome.Disagree ? " font-weight=\"700\"" : "").Append('>').Append(Html.Text(label)).Append("</text>");
        if (hostsDiffer is not null)
            html.Append("<path d=\"M").Append(x + CellWidth - 13).Append(' ').Append(y + 1).Append(" H").Append(x + CellWidth - 1).Append(" V").Append(y + 13)
                .Append(" Z\" fill=\"").Append(ReportStyle.Ink).Append("\"/>");
        html.Append("</g>\n");
    }

    private static Cell Judge(CaseResult result, MatrixCaseName name)
    {
        var en = result.Checks.FirstOrDefault(c => c.Name.StartsWith(EnWrite, StringComparison.Ordinal));
        var outcome = en is null || en.Status == Outcome.Skipped
            ? result.Status == Outcome.Failed ? CellOutcome.Disagree : CellOutcome.NotRun
            : en.Status == Outcome.Failed ? CellOutcome.Disagree
            : en.Observed == "#GP" ? CellOutcome.GeneralProtection
            : CellOutcome.Accept;
        return new Cell(result, name, outcome, en);
    }

    private static string Hover(Cell cell, bool otherFailed, string? hostsDiffer)
    {
        var lines = new List<string> { cell.Case.Name };
        if (cell.EnCheck is { } en)
        {
            lines.Add($"{en.Name}: expected {en.Expected}; observed {en.Observed}");
            lines.AddRange(en.Rules.Select(r => $"rule {r.Id}: {r.Statement} ({r.Source})"));
        }
        else
        {
            lines.Add($"{ReportStatus(cell.Case.Status)}{(cell.Case.Reason is { } reason ? ": " + reason : "")}");
        }
        if (otherFailed)
            lines.Add("failed: " + string.Join("; ", cell.Case.Checks.Where(c => c.Status == Outcome.Failed && c != cell.EnCheck).Select(c => c.Name)));
        if (hostsDiffer is not null)
            lines.Add(hostsDiffer);
        return string.Join('\n', lines);
    }

    /// <summary>Null when every host that ran the cell agrees, else each host's outcome.</summary>
    private static string? Disagreement(VerifyReport report, IReadOnlyDictionary<string, List<Cell>> cells, IReadOnlyList<string> panelAxes,
        string panel, string rowAxis, string row, string columnAxis, string column)
    {
        if (report.Runs.Count < 2)
            return null;
        var outcomes = report.Runs
            .Select(r => (Host: r.Host.Name, Cell: cells[r.Host.Name].FirstOrDefault(c => PanelKey(c.Name, panelAxes) == panel
                && c.Name.Axes[rowAxis] == row && c.Name.Axes[columnAxis] == column)))
            .Where(h => h.Cell is { Outcome: not CellOutcome.NotRun })
            .Select(h => (h.Host, Observed: h.Cell!.EnCheck?.Observed.Split(';')[0] ?? ReportStatus(h.Cell.Case.Status)))
            .ToList();
        return outcomes.Select(o => o.Observed).Distinct().Count() > 1
            ? "hosts differ: " + string.Join(", ", outcomes.Select(o => $"{o.Host} {o.Observed}"))
            : null;
    }

    private static string PanelKey(MatrixCaseName name, IReadOnlyList<string> panelAxes) =>
        string.Join(", ", panelAxes.Select(a => $"{a}={(name.Axes.TryGetValue(a, out var v) ? v : "?")}"));

    private static string ReportStatus(Outcome status) => ResultsJsonWriter.Status(status);
}
