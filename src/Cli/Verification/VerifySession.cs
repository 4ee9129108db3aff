using System.Diagnostics;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.Host;

namespace Vmspec.Cli.Verification;

/// <summary>
/// Runs compiled cases on this host, up to <paramref name="jobs"/> at a time, reporting each as it
/// finishes; the run lists the cases in name order whatever order they finished in.
/// </summary>
internal sealed class VerifySession(HostReport host, int jobs, TextWriter progress)
{
    private readonly Lock _progressLock = new();
    private int _finished;

    /// <summary>Told "N/M cases" after each case: the updating line on a terminal.</summary>
    public Action<string>? Status { get; init; }

    public HostRun Run(IReadOnlyList<CompiledCase> cases)
    {
        var results = new CaseResult[cases.Count];
        // Each case blocks its worker for a whole VM run, while the run's watchdog timer and a Linux case's async kernel
        // fetch need pool threads of their own: keep the pool from starving on a one-CPU machine (a lab VM).
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 2 * Math.Max(1, jobs) + 2), completionPorts);
        Parallel.For(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, i =>
        {
            results[i] = RunOne(cases[i]);
            Report(results[i], cases.Count);
        });
        return new HostRun(NativeHost.Info(host), results.OrderBy(r => r.Name, StringComparer.Ordinal).ToList());
    }

    public CaseResult RunOne(CompiledCase compiled)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return CasePrograms.For(compiled.Plan.Guest).Run(compiled.Plan, host, Path.GetDirectoryName(Path.GetFullPath(compiled.SourceFile))!);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A runner bug must not take the other cases down: it is this case's failure, with its cause.
            return new CaseResult(compiled.Name, "unknown", Outcome.Failed,
                [new Check("runner", Outcome.Failed, "a verdict", $"{e.GetType().Name}: {e.Message}")],
                AsyncPfCounts.None, watch.Elapsed, e.Message);
        }
    }

    private void Report(CaseResult result, int total)
    {
        lock (_progressLock)
        {
            _finished++;
            var width = total.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
            progress.WriteLine($"[{_finished.ToString().PadLeft(width)}/{total}] {ResultsJsonWriter.Status(result.Status),-7} {result.Name} ({result.Duration.TotalMilliseconds:0.0} ms)");
            Status?.Invoke($"verify: {_finished}/{total} cases…");
        }
    }
}
