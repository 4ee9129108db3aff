namespace Vmspec.Runtime.AsyncPf.Verification;

public enum Outcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>
/// One expectation compared with what the guest and the host observed. Figures (latencies, spin counts) are shown
/// beside the verdict, never part of it: they differ run to run, the rest of a check does not.
/// </summary>
public sealed record Check(string Name, Outcome Status, string Expected, string Observed, string? Figures = null)
{
    /// <summary>What was observed, with the figures in brackets when there are any.</summary>
    public string ObservedWithFigures => Figures is null ? Observed : $"{Observed} [{Figures}]";
    /// <summary>The oracle's rules behind <see cref="Expected"/>, when the oracle judged this check.</summary>
    public IReadOnlyList<HostRule> Rules { get; init; } = [];
    /// <summary>A check the case's verdict rests on: while it is skipped, the case is skipped, never passed.</summary>
    public bool Required { get; init; }

    public static Check Compare<T>(string name, T expected, T observed) =>
        new(name, EqualityComparer<T>.Default.Equals(expected, observed) ? Outcome.Passed : Outcome.Failed,
            Format(expected), Format(observed));

    /// <summary>A supplementary check that could not run (no tracefs, nothing to compare): the other checks still decide.</summary>
    public static Check Skip(string name, string expected, string reason) => new(name, Outcome.Skipped, expected, reason);

    /// <summary>A check the case exists for that could not run (no kernel, no boot): the case is skipped with this reason.</summary>
    public static Check SkipRequired(string name, string expected, string reason) =>
        new(name, Outcome.Skipped, expected, reason) { Required = true };

    private static string Format<T>(T value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>The async #PF events the guest saw in one run.</summary>
public sealed record AsyncPfCounts(int PageNotPresent, int PageReady, int WakeupAll)
{
    public static readonly AsyncPfCounts None = new(0, 0, 0);
}

/// <summary>The verdict of one case: its checks, the async #PF counts, and how long it took.</summary>
public sealed record CaseResult(
    string Name,
    string Guest,
    Outcome Status,
    IReadOnlyList<Check> Checks,
    AsyncPfCounts AsyncPf,
    TimeSpan Duration,
    string? Reason = null)
{
    /// <summary>A fault case's tokens on its time axis (<see cref="CaseEvents"/>); empty for other cases.</summary>
    public IReadOnlyList<CaseEvent> Events { get; init; } = [];

    /// <summary>Failed if any check failed; else skipped if a required check skipped or nothing was checked; else passed.</summary>
    public static Outcome Summarize(IReadOnlyList<Check> checks) =>
        checks.Any(c => c.Status == Outcome.Failed) ? Outcome.Failed
        : RequiredSkip(checks) is not null ? Outcome.Skipped
        : checks.Any(c => c.Status == Outcome.Passed) ? Outcome.Passed
        : Outcome.Skipped;

    /// <summary>The first required check that was skipped (its <see cref="Check.Observed"/> says why), or null.</summary>
    public static Check? RequiredSkip(IReadOnlyList<Check> checks) =>
        checks.FirstOrDefault(c => c is { Status: Outcome.Skipped, Required: true });

    public static CaseResult Skipped(string name, string guest, string reason) =>
        new(name, guest, Outcome.Skipped, [], AsyncPfCounts.None, TimeSpan.Zero, reason);
}
