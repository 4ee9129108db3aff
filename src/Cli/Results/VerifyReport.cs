using Vmspec.Cli.Sharding;

namespace Vmspec.Cli.Results;

/// <summary>
/// The results of one verify invocation: one <see cref="HostRun"/> per host the cases ran on (a plain run on this
/// machine is a list of one, named <c>native</c>), in host name order. Counts are over (case, host) pairs.
/// </summary>
internal sealed record VerifyReport(IReadOnlyList<HostRun> Runs)
{
    /// <summary>A shard's results (<c>verify --shard I/N</c>): which shard, which build, the whole matrix; null otherwise.</summary>
    public ShardRecord? Shard { get; init; }

    public int Count(Outcome outcome) => Runs.Sum(r => r.Count(outcome));

    /// <summary>The closing line: <c>N passed, M failed, K skipped</c>.</summary>
    public string CountsLine => Counts.Line(Count(Outcome.Passed), Count(Outcome.Failed), Count(Outcome.Skipped));

    public bool AnyFailed => Count(Outcome.Failed) > 0;

    /// <summary>Every case name of every run, once each, in name order.</summary>
    public IReadOnlyList<string> CaseNames =>
        Runs.SelectMany(r => r.Cases).Select(c => c.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}

/// <summary>One host's run: where it ran and every case in name order.</summary>
internal sealed record HostRun(HostInfo Host, IReadOnlyList<CaseResult> Cases)
{
    public int Count(Outcome outcome) => Cases.Count(c => c.Status == outcome);

    public string CountsLine => Counts.Line(Count(Outcome.Passed), Count(Outcome.Failed), Count(Outcome.Skipped));

    public CaseResult? Find(string caseName) => Cases.FirstOrDefault(c => c.Name == caseName);
}

/// <summary>
/// Where a run happened. <see cref="Mode"/> is <c>native</c> (this machine's /dev/kvm) or <c>lab</c> (a host kernel booted
/// under QEMU); <see cref="Flavour"/> and <see cref="KernelRelease"/> are null when a lab run failed before they were known.
/// </summary>
internal sealed record HostInfo(string Name, string Mode, string? KernelRelease, string? Flavour, bool KvmAvailable, string? Reason)
{
    public const string NativeName = "native", NativeMode = "native", LabMode = "lab";

    /// <summary>How QEMU ran the lab kernel (tcg or kvm); lab only.</summary>
    public string? Accel { get; init; }
    public string? QemuVersion { get; init; }
    /// <summary>Lab only: boot to a ready lab, and the whole lab run.</summary>
    public TimeSpan? LabBoot { get; init; }
    public TimeSpan? LabElapsed { get; init; }
    /// <summary>Lab only: lab runs that stalled and were booted again before this one (a fact of the machine, like a timing).</summary>
    public int LabStalls { get; init; }
    /// <summary>Lab only: why no results came back; every case of the run then failed with <see cref="LabFailure.Error"/>.</summary>
    public LabFailure? LabFailure { get; init; }

    public bool IsLab => Mode == LabMode;
}

/// <summary>
/// A lab run that brought no results back. <see cref="Kind"/>: <c>failed</c> (QEMU, boot, init, a crash),
/// <c>timed-out</c>, <c>stalled</c> (the lab kernel fell silent, again after a second boot), <c>cancelled</c>, or <c>no-results</c> (the command exited without writing results.json).
/// </summary>
internal sealed record LabFailure(string Kind, string Error, int? ExitCode, IReadOnlyList<string> ConsoleTail);

internal static class Counts
{
    /// <summary><c>N passed, M failed, K skipped</c>: skipped too when none were, so a reader never has to infer it.</summary>
    public static string Line(int passed, int failed, int skipped) => $"{passed} passed, {failed} failed, {skipped} skipped";
}
