namespace Vmspec.Cli.Report;

/// <summary>
/// The report's colours and CSS, inline so the file opens offline. The outcome colours are the ColorBrewer Dark2
/// set (distinguishable with the common colour-vision deficiencies); every colour also has a text or shape cue.
/// </summary>
internal static class ReportStyle
{
    public const string Passed = "#2e7d32", Failed = "#c62828", Skipped = "#9e9e9e";
    public const string Accept = "#b8e0b0", GeneralProtection = "#cdbfe3", Disagree = "#d7301f", NotRun = "#eeeeee";
    public const string NotPresent = "#d95f02", PageReady = "#1b9e77", Ack = "#7570b3", WakeupAll = "#e7298a";
    public const string Ink = "#1f2328", Muted = "#57606a", Grid = "#d0d7de";

    public const string Css = """
        :root { color-scheme: light; }
        body { margin: 0 auto; max-width: 1240px; padding: 16px 24px 48px; background: #ffffff; color: #1f2328;
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; }
        h1 { font-size: 24px; margin: 8px 0 4px; }
        h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        nav a { margin-right: 14px; }
        a { color: #0b5cad; }
        code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px; }
        table { border-collapse: collapse; margin: 6px 0 10px; }
        th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .lede { color: #57606a; margin: 0 0 10px; }
        .badge { display: inline-block; min-width: 52px; padding: 1px 7px; border-radius: 10px; color: #fff; font-size: 12px;
          font-weight: 600; text-align: center; }
        .passed { background: #2e7d32; } .failed { background: #c62828; } .skipped { background: #757575; }
        .ok-banner { padding: 10px 14px; border-left: 5px solid #2e7d32; background: #eef7ee; }
        .failure { border-left: 5px solid #c62828; background: #fdf3f3; padding: 6px 14px 8px; margin: 10px 0; }
        .failure table { background: #fff; width: 100%; }
        .failure td:first-child { width: 30%; }
        pre.console { background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px; overflow-x: auto; }
        figure { margin: 12px 0 22px; }
        figcaption { color: #57606a; font-size: 13px; margin: 4px 0; }
        svg { max-width: 100%; height: auto; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; margin: 6px 0 10px; font-size: 13px; }
        .legend span { display: inline-flex; align-items: center; gap: 6px; }
        .swatch { width: 22px; height: 14px; border: 1px solid #8c959f; display: inline-block; }
        details > summary { cursor: pointer; }
        td.cases-name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
        """;
}
