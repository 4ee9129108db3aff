using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.Running;

/// <summary>The outcome of one run: the verdict, why, every guest event, and the vCPU state on failure.</summary>
public sealed record RunResult(
    RunVerdict Verdict,
    string Detail,
    IReadOnlyList<GuestEvent> Events,
    FailureSnapshot? Snapshot,
    TimeSpan Elapsed,
    int Exits)
{
    public bool Succeeded => Verdict == RunVerdict.Completed;

    public IEnumerable<GuestReport> Reports => Events.OfType<GuestReport>();

    public string Format() => Snapshot is null
        ? $"{Verdict}: {Detail}"
        : $"{Verdict}: {Detail}\n{Snapshot.Format()}";
}
