namespace Vmspec.Cli.Verification;

/// <summary>
/// The summary table: one row per case, one column per host (its status and checks passed of total), rows whose hosts
/// disagree marked; then failures in full (a failed lab run once, with its console tail), skip reasons, and one counts
/// line per host. The closing <c>N passed, M failed, K skipped</c> line is the caller's.
/// </summary>
internal static class ResultTable
{
    public const string DiffersMarker = "<- differs";

    public static void Write(VerifyReport report, TextWriter output)
    {
        var names = report.CaseNames;
        var nameWidth = Math.Clamp(names.Select(n => n.Length).DefaultIfEmpty(4).Max(), 4, 72);
        var guests = names.ToDictionary(n => n, n => report.Runs.Select(r => r.Find(n)?.Guest).FirstOrDefault(g => g is not null) ?? "", StringComparer.Ordinal);
        var guestWidth = Math.Max(5, guests.Values.Select(g => g.Length).DefaultIfEmpty(0).Max());
        var cells = names.ToDictionary(n => n, n => report.Runs.Select(r => Cell(r.Find(n))).ToArray(), StringComparer.Ordinal);
        var widths = report.Runs.Select((run, i) => Math.Max(run.Host.Name.Length, cells.Values.Select(c => c[i].Length).DefaultIfEmpty(0).Max())).ToArray();

        output.WriteLine(($"{"case".PadRight(nameWidth)}  {"guest".PadRight(guestWidth)}"
            + string.Concat(report.Runs.Select((run, i) => "  " + run.Host.Name.PadRight(widths[i])))).TrimEnd());
        foreach (var name in names)
        {
            var shown = name.Length > nameWidth ? name[..(nameWidth - 1)] + "…" : name.PadRight(nameWidth);
            var statuses = report.Runs.Select(r => r.Find(name)?.Status).Where(s => s is not null).Distinct().Count();
            output.WriteLine(($"{shown}  {guests[name].PadRight(guestWidth)}"
                + string.Concat(cells[name].Select((cell, i) => "  " + cell.PadRight(widths[i])))
                + (statuses > 1 ? "  " + DiffersMarker : "")).TrimEnd());
        }

        foreach (var run in report.Runs)
        {
            // A lab failure is told once; a merge of shards may hold the host's other cases too, from shards whose lab ran.
            bool FailedByLab(CaseResult result) => run.Host.LabFailure is not null && result.Checks.Any(c => c.Name == LabHostResults.LabCheck);
            if (run.Host.LabFailure is { } failure)
            {
                output.WriteLine();
                output.WriteLine($"LAB FAILED on {run.Host.Name} ({failure.Kind}): {failure.Error}; its {run.Cases.Count(FailedByLab)} case(s) count as failed");
                if (failure.ConsoleTail.Count > 0)
                {
                    output.WriteLine("  the lab kernel's console ended with:");
                    foreach (var line in failure.ConsoleTail)
                        output.WriteLine($"  | {line}");
                }
            }
            foreach (var result in run.Cases.Where(c => c.Status == Outcome.Failed && !FailedByLab(c)))
            {
                output.WriteLine();
                output.WriteLine(report.Runs.Count == 1 ? $"FAILED {result.Name}" : $"FAILED {result.Name} on {run.Host.Name}");
                foreach (var check in result.Checks.Where(c => c.Status == Outcome.Failed))
                    output.WriteLine($"  {check.Name}: expected {check.Expected}; observed {check.ObservedWithFigures}");
            }
        }

        var skipped = report.Runs.SelectMany(r => r.Cases.Where(c => c.Status == Outcome.Skipped).Select(c => (Host: r.Host.Name, Reason: c.Reason ?? "")))
            .GroupBy(s => s.Reason, StringComparer.Ordinal).ToList();
        if (skipped.Count > 0 || report.Runs.Any(r => r.Cases.Any(c => c.Status == Outcome.Failed)))
            output.WriteLine();
        foreach (var group in skipped)
            output.WriteLine($"skipped {group.Count()} on {string.Join(", ", group.Select(s => s.Host).Distinct(StringComparer.Ordinal))}: {group.Key}");

        var hostWidth = report.Runs.Select(r => r.Host.Name.Length).DefaultIfEmpty(0).Max();
        foreach (var run in report.Runs)
            output.WriteLine($"{(run.Host.Name + ":").PadRight(hostWidth + 1)} {run.CountsLine} ({Describe(run.Host)})");
    }

    /// <summary><c>passed 6/6</c>, <c>FAILED 5/6</c> (upper case, so that it stands out), <c>skipped 0/1</c>; <c>-</c> when the host has no such case.</summary>
    internal static string Cell(CaseResult? result) => result is null ? "-"
        : $"{(result.Status == Outcome.Failed ? "FAILED" : ResultsJsonWriter.Status(result.Status))} {result.Checks.Count(c => c.Status == Outcome.Passed)}/{result.Checks.Count}";

    /// <summary><c>lab, 6.12.117+deb12-amd64, kvm_amd, accel tcg</c> or <c>native, 6.18.0, kvm_pvm</c>.</summary>
    internal static string Describe(HostInfo host)
    {
        var parts = new List<string> { host.Mode, host.KernelRelease ?? "kernel unknown", host.Flavour ?? "flavour unknown" };
        if (host.IsLab && host.Accel is not null)
            parts.Add($"accel {host.Accel}");
        if (!host.KvmAvailable && host.LabFailure is null && host.Reason is not null)
            parts.Add($"KVM unavailable: {host.Reason}");
        return string.Join(", ", parts);
    }
}
