using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Cli.Results;

/// <summary>The results of one verify run: the host it ran on and every case in name order.</summary>
internal sealed record VerifyReport(string HostFlavour, bool KvmAvailable, string? KvmUnavailableReason,
    IReadOnlyList<CaseResult> Cases)
{
    public int Count(Outcome outcome) => Cases.Count(c => c.Status == outcome);

    /// <summary>The closing line: <c>N passed, M failed</c>, with <c>, K skipped</c> when any were.</summary>
    public string CountsLine
    {
        get
        {
            var line = $"{Count(Outcome.Passed)} passed, {Count(Outcome.Failed)} failed";
            return Count(Outcome.Skipped) > 0 ? $"{line}, {Count(Outcome.Skipped)} skipped" : line;
        }
    }
}
