using Vmspec.Lab.Running;

namespace Vmspec.Cli.Verification;

/// <summary>
/// A host's run from what its lab brought back: the inner <c>verify --host native</c>'s results.json, with the lab's facts
/// (kernel release, accel, QEMU). A lab that brought nothing back is not silently missing: every selected case fails with
/// the lab's error, and the console tail is kept in <see cref="LabFailure"/>.
/// </summary>
internal static class LabHostResults
{
    public const string LabCheck = "lab run";

    /// <param name="resultsJson">the inner run's results.json, or null when it wrote none</param>
    /// <param name="cases">the cases the lab was asked to run, so that each is reported whatever happened</param>
    /// <param name="stalls">earlier runs of this lab that stalled and were booted again</param>
    public static HostRun Create(string host, LabResult lab, byte[]? resultsJson, IReadOnlyList<CompiledCase> cases, int stalls = 0)
    {
        var info = new HostInfo(host, HostInfo.LabMode, lab.KernelRelease, null, false, null)
        {
            Accel = lab.Accel,
            QemuVersion = lab.QemuVersion,
            LabBoot = lab.BootTime,
            LabElapsed = lab.Elapsed,
            LabStalls = stalls,
        };
        if (lab.Outcome != LabOutcome.Exited)
            return Failed(info, Kind(lab.Outcome), lab.Error ?? $"the lab run ended: {lab.Outcome}", null, lab.ConsoleTail, cases);
        if (resultsJson is null)
            return Failed(info, "no-results", $"vmspec exited with code {lab.CommandExitCode} in the lab without writing results.json",
                lab.CommandExitCode, lab.ConsoleTail, cases);

        HostRun inner;
        try
        {
            var report = ResultsJsonReader.Read(resultsJson);
            inner = report.Runs.Count == 1 ? report.Runs[0]
                : throw new FormatException($"results.json holds {report.Runs.Count} runs, not the one of --host native");
        }
        catch (FormatException e)
        {
            return Failed(info, "no-results", $"the results.json vmspec wrote in the lab is unreadable: {e.Message}", lab.CommandExitCode,
                lab.ConsoleTail, cases);
        }
        var results = inner.Cases.ToList();
        var missing = cases.Where(c => inner.Find(c.Name) is null).ToList();
        results.AddRange(missing.Select(c => FailedCase(c, $"the lab's results.json has no case {c.Name}")));
        return new HostRun(info with
        {
            KernelRelease = lab.KernelRelease ?? inner.Host.KernelRelease,
            Flavour = inner.Host.Flavour,
            KvmAvailable = inner.Host.KvmAvailable,
            Reason = inner.Host.Reason,
        }, results.OrderBy(r => r.Name, StringComparer.Ordinal).ToList());
    }

    /// <summary>A host whose lab never ran the command (its kernel could not be prepared, QEMU is missing, ...).</summary>
    public static HostRun NotRun(string host, string error, IReadOnlyList<CompiledCase> cases) =>
        Failed(new HostInfo(host, HostInfo.LabMode, null, null, false, null), "failed", error, null, [], cases);

    private static HostRun Failed(HostInfo info, string kind, string error, int? exitCode, IReadOnlyList<string> consoleTail,
        IReadOnlyList<CompiledCase> cases) =>
        new(info with { Reason = error, LabFailure = new LabFailure(kind, error, exitCode, consoleTail) },
            cases.Select(c => FailedCase(c, error)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList());

    private static CaseResult FailedCase(CompiledCase compiled, string error) =>
        new(compiled.Name, compiled.Plan.Guest.Program, Outcome.Failed, [new Check(LabCheck, Outcome.Failed, "results from the lab", error)],
            AsyncPfCounts.None, TimeSpan.Zero, error);

    private static string Kind(LabOutcome outcome) => outcome switch
    {
        LabOutcome.TimedOut => "timed-out",
        LabOutcome.Stalled => "stalled",
        LabOutcome.Cancelled => "cancelled",
        _ => "failed",
    };
}
