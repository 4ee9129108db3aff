using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Vmspec.Images;

namespace Vmspec.Build.Tools;

/// <summary>One shard's container: what it did (or why the engine could not run it) and where its results were copied.</summary>
/// <param name="Index">the shard, from 1</param>
internal sealed record ShardRun(int Index, int Count, ContainerRunResult? Run, string? EngineError, string ResultsDirectory, TimeSpan Timeout)
{
    public string ResultsJson => Path.Combine(ResultsDirectory, "results.json");

    /// <summary>What went wrong with the container, for vmspec merge --fault; null when it ran and exited as verify does.</summary>
    public string? Fault => ShardContainers.Fault(EngineError, Run?.TimedOut ?? false, Timeout, Run?.ExitCode ?? 0,
        Run?.MissingFiles.Contains("results.json") ?? true);
}

/// <summary>
/// Runs a lab image as N shards on one Docker engine, all at once, as a Kubernetes Indexed Job runs its pods: the same verify
/// arguments in every container (<c>--shards N</c>), the shard from JOB_COMPLETION_INDEX, no device, no capability, no
/// network, a read-only root with a tmpfs /tmp. Each container is removed on every path (ContainerVerifier's contract); a
/// container the engine could not run is a shard without results, with the engine's error as its fault.
/// </summary>
internal static class ShardContainers
{
    /// <summary>Exit codes of vmspec verify that are verdicts (all passed, a case failed, nothing ran), not faults.</summary>
    private static readonly long[] VerdictExitCodes = [0, 1, 4];

    /// <summary>A lab VM takes about 0.5 GiB; a container may boot two (one per core).</summary>
    public const long LabMemoryBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>QEMU's 9p and I/O worker threads, per lab VM, on top of vmspec's.</summary>
    public const int LabPidsLimit = 1024;

    /// <summary>What every shard's container runs: the arguments of vmspec k8s-job's pods.</summary>
    public static IReadOnlyList<string> Arguments(int count) =>
        ["verify", "/opt/vmspec/specs", "--host", "all", "--shards", count.ToString(CultureInfo.InvariantCulture), "--results", "/results"];

    public static async Task<(IReadOnlyList<ShardRun> Shards, TimeSpan Wall)> RunAsync(DockerClient docker, string archive, int count,
        string resultsRoot, TimeSpan timeout, TextWriter log)
    {
        var verifier = new ContainerVerifier(docker);
        var image = await verifier.LoadAsync(archive); // once, before the containers race to load it
        log.WriteLine($"{image.Reference}: {count} shard container(s) at once, each: {string.Join(' ', Arguments(count))}");
        var clock = Stopwatch.StartNew();
        var shards = await Task.WhenAll(Enumerable.Range(1, count).Select(index => Task.Run(() => RunShardAsync(verifier, archive, index, count, resultsRoot, timeout, log))));
        return (shards, clock.Elapsed);
    }

    private static async Task<ShardRun> RunShardAsync(ContainerVerifier verifier, string archive, int index, int count, string resultsRoot,
        TimeSpan timeout, TextWriter log)
    {
        var results = Path.Combine(resultsRoot, index.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(results))
            Directory.Delete(results, recursive: true);
        var prefix = $"[shard {index}/{count}] ";
        await using var output = new PrefixedLineStream(log, prefix);
        try
        {
            var run = await verifier.RunAsync(archive, new ContainerRunOptions
            {
                ResultsDirectory = results,
                Command = Arguments(count),
                Environment = [$"JOB_COMPLETION_INDEX={index - 1}"],
                Devices = [], // the lab needs none: KVM runs under QEMU's TCG
                MemoryBytes = LabMemoryBytes,
                PidsLimit = LabPidsLimit,
                Timeout = timeout,
                StandardOutput = output,
                StandardError = output,
                KeepImage = true, // the other shards' containers use it
            });
            return new ShardRun(index, count, run, null, results, timeout);
        }
        catch (ContainerEngineException e)
        {
            await output.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"the engine failed: {e.Message}\n"));
            return new ShardRun(index, count, null, e.Message, results, timeout);
        }
    }

    /// <summary>Why a shard's container brought no verdict of its own, in the words merge puts into its pairs' failure; null if it did.</summary>
    internal static string? Fault(string? engineError, bool timedOut, TimeSpan timeout, long exitCode, bool resultsMissing) =>
        engineError is not null ? $"the engine could not run its container: {engineError}"
        : timedOut ? $"its container was killed after the {(timeout.TotalSeconds < 60 ? $"{timeout.TotalSeconds:0} s" : $"{timeout.TotalMinutes:0.#} min")} timeout"
        : !VerdictExitCodes.Contains(exitCode) ? $"its container exited with code {exitCode}"
        : resultsMissing ? $"its container exited with code {exitCode} without writing results.json"
        : null;
}
