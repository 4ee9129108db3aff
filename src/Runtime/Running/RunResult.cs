namespace Vmspec.Runtime.Running;

/// <summary>
/// The outcome of one run: the verdict, why, every guest event, and the vCPU state on failure, or why that state
/// is not the guest's (<paramref name="SnapshotUnavailable"/>: e.g. kvm_amd resets the vCPU on a triple fault).
/// </summary>
public sealed record RunResult(
    RunVerdict Verdict,
    string Detail,
    IReadOnlyList<GuestEvent> Events,
    FailureSnapshot? Snapshot,
    TimeSpan Elapsed,
    int Exits,
    string? SnapshotUnavailable = null)
{
    public bool Succeeded => Verdict == RunVerdict.Completed;

    /// <summary>
    /// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> at the exit that delivered each of <see cref="Events"/>
    /// (CLOCK_MONOTONIC on Linux, the clock a trace instance set to <c>mono</c> stamps with); empty when not recorded.
    /// </summary>
    public IReadOnlyList<long> EventTimestamps { get; init; } = [];

    public IEnumerable<GuestReport> Reports => Events.OfType<GuestReport>();

    public string Format() =>
        Snapshot is not null ? $"{Verdict}: {Detail}\n{Snapshot.Format()}"
        : SnapshotUnavailable is not null ? $"{Verdict}: {Detail}\nregisters unavailable: {SnapshotUnavailable}"
        : $"{Verdict}: {Detail}";
}
