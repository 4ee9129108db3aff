using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Vmspec.Build.Tools;
using Vmspec.Images;

namespace Vmspec.Build;

internal sealed partial class Build
{
    /// <summary>The lab image's size: the archive, each layer compressed and unpacked, and the largest files.</summary>
    private static void ImageSizeFigures(BenchReport report, ImageBuild build)
    {
        report.Figure($"{build.Image.Reference} archive size", build.ArchiveBytes / (1024.0 * 1024.0), "MB");
        var files = new List<(string Path, long Size)>();
        for (var i = 0; i < build.Image.Layers.Count; i++)
        {
            var layer = build.Image.Layers[i];
            long unpacked = 0;
            using (var tar = new TarReader(new GZipStream(File.OpenRead(layer.File), CompressionMode.Decompress)))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    unpacked += entry.Length;
                    if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                        files.Add((entry.Name, entry.Length));
                }
            }
            report.Figure($"  layer {i}: compressed / unpacked MB", layer.Size / (1024.0 * 1024.0), $"MB (unpacked {unpacked / (1024.0 * 1024.0):0.0} MB)");
        }
        foreach (var (path, size) in files.OrderByDescending(f => f.Size).ThenBy(f => f.Path, StringComparer.Ordinal).Take(5))
            report.Figure($"  largest file {path}", size / (1024.0 * 1024.0), "MB unpacked");
    }

    /// <summary>
    /// The lab image on Docker: ContainerVerify --shards N for N = 1 and 2 (two rounds each), the merged result against the
    /// host's `vmspec verify --host all` of the same specs, and from the measured lab boot and per-case times a projection
    /// of a large matrix on a cluster, its model stated in the report.
    /// </summary>
    private async Task BenchLabImageAsync(BenchReport report, ImageBuild build, string work)
    {
        var name = $"{build.Image.Reference} ContainerVerify --shards N";
        Docker.DotNet.DockerClient docker;
        try
        {
            docker = await DockerEndpoint.ConnectAsync(DockerHost.Length > 0 ? DockerHost : null);
        }
        catch (ContainerEngineException e)
        {
            report.Skip(name, e.Message);
            return;
        }
        using (docker)
        {
            var walls = new Dictionary<int, List<double>> { [1] = [], [2] = [] };
            var labs = new List<(double BootMs, double ElapsedMs, int Cases)>();
            var overheads = new List<double>();
            string? merged = null;
            for (var round = 0; round < 2; round++)
            {
                foreach (var count in (int[])[1, 2])
                {
                    var output = Path.Combine(work, $"lab-shards-{count}-{round}");
                    var (shards, wall) = await GuardAsync(() => ShardContainers.RunAsync(docker, build.Image.ArchivePath, count,
                        Path.Combine(output, "shards"), TimeSpan.FromMinutes(20), TextWriter.Null));
                    var clock = Stopwatch.StartNew();
                    List<string> merge = ["merge", .. shards.Select(s => s.ResultsJson), "--expect", $"{count}", "-o", output];
                    var exitCode = await ProcessRunner.RunForExitCodeAsync(Vmspec, merge, Root);
                    if (exitCode != 0 || shards.Any(s => s.Fault is not null))
                        throw new Framework.BuildException($"{name}: N={count} did not pass (merge exit code {exitCode}; "
                            + string.Join("; ", shards.Select(s => $"shard {s.Index}: {s.Fault ?? "ok"}")) + ")");
                    walls[count].Add(wall.TotalMilliseconds + clock.Elapsed.TotalMilliseconds);
                    var hostRuns = shards.SelectMany(s => LabRuns(s.ResultsJson)).ToList();
                    if (count == 1)
                        overheads.Add(shards[0].Run!.RunTime.TotalMilliseconds - hostRuns.Max(h => h.ElapsedMs));
                    else
                        labs.AddRange(hostRuns);
                    merged = Path.Combine(output, "results.json");
                }
            }
            foreach (var (count, times) in walls)
                report.Figure($"ContainerVerify --shards {count} wall time (containers and merge)", new Timing(times));
            var speedUp = new Timing(walls[1]).Median / new Timing(walls[2]).Median;
            report.Figure("ContainerVerify speed-up of N=2 over N=1", speedUp, $"x on {Environment.ProcessorCount} cores (N=1 runs its two lab VMs at once too)");

            var specs = build.SpecFiles;
            var hostResults = Path.Combine(work, "host-all");
            await ProcessRunner.RunForExitCodeAsync(Vmspec, ["verify", .. specs, "--host", "all", "--results", hostResults], Root);
            var same = ResultsWithoutTimings(Path.Combine(hostResults, "results.json")) == ResultsWithoutTimings(merged!);
            report.Goal("merged N=2 results equal the host's verify --host all but for timings", same ? 1 : 0, "", "equal", same);

            Project(report, labs, new Timing(overheads).Median);
        }
    }

    /// <summary>
    /// The model: a cluster of 50 nodes like this machine runs one lab VM per core, so N = 50 × cores shards at once, each a
    /// pod with one core. A shard holds P = ⌈H·C/N⌉ consecutive (case, host) pairs and boots b = ⌈P/C⌉ + 1 labs at most (it
    /// may start inside one host's run and end inside the next), one after another: T = b·boot + P·case + container, where
    /// boot and case are the measured lab boot and lab time per case (one lab VM per core, N=2), and container the measured
    /// rest of a container run. Image pull (once per node) and pod scheduling are not in it. One machine, the same VMs per
    /// core: (H·boot + H·C·case) / cores + container.
    /// </summary>
    private static void Project(BenchReport report, IReadOnlyList<(double BootMs, double ElapsedMs, int Cases)> labs, double containerMs)
    {
        const int hosts = 20, nodes = 50;
        var cores = Environment.ProcessorCount;
        var boot = labs.Average(l => l.BootMs);
        var perCase = labs.Average(l => (l.ElapsedMs - l.BootMs) / l.Cases);
        var cases = labs[0].Cases;
        var shards = nodes * cores;
        var pairs = hosts * cases;
        var perShard = (int)Math.Ceiling((double)pairs / shards);
        var boots = Math.Min(hosts, (int)Math.Ceiling((double)perShard / cases) + 1);
        var cluster = (boots * boot) + (perShard * perCase) + containerMs;
        var single = (((hosts * boot) + (pairs * perCase)) / cores) + containerMs;
        report.Figure("measured lab boot (N=2, one lab VM per core)", boot, "ms");
        report.Figure("measured lab time per case (N=2, one lab VM per core)", perCase, "ms");
        report.Figure("measured container overhead (N=1 run time less its longest lab)", containerMs, "ms");
        report.Figure($"projection: {hosts} host kernels x {cases} cases on {nodes} nodes x {cores} cores ({shards} shards, {perShard} pairs and at most {boots} boots each)",
            cluster / 1000, "s");
        report.Figure($"projection: the same on one machine of {cores} cores", single / 1000, "s");
    }

    /// <summary>Each lab host of a results.json: its boot and elapsed time and its case count.</summary>
    private static List<(double BootMs, double ElapsedMs, int Cases)> LabRuns(string resultsJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(resultsJson));
        return document.RootElement.GetProperty("runs").EnumerateArray()
            .Select(r => (r.GetProperty("host").GetProperty("bootMs").GetDouble(), r.GetProperty("host").GetProperty("elapsedMs").GetDouble(),
                r.GetProperty("cases").GetArrayLength()))
            .ToList();
    }

    /// <summary>
    /// A results.json without what differs between runs by nature: durations, boot and elapsed times, figures, the events'
    /// times and so their order (a guest's report and KVM's tracepoint of one moment interleave as the clock says).
    /// </summary>
    internal static string ResultsWithoutTimings(string resultsJson)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(resultsJson))!;
        Strip(root);
        return root.ToJsonString();

        static void Strip(System.Text.Json.Nodes.JsonNode? node)
        {
            if (node is System.Text.Json.Nodes.JsonObject o)
            {
                foreach (var timing in (string[])["durationMs", "bootMs", "elapsedMs", "labStalls", "timeUs", "figures"])
                    o.Remove(timing);
                foreach (var (_, child) in o)
                    Strip(child);
                if (o["events"] is System.Text.Json.Nodes.JsonArray events)
                {
                    var sorted = events.Select(e => e!.ToJsonString()).Order(StringComparer.Ordinal).ToList();
                    events.Clear();
                    foreach (var e in sorted)
                        events.Add(System.Text.Json.Nodes.JsonNode.Parse(e));
                }
            }
            else if (node is System.Text.Json.Nodes.JsonArray a)
            {
                foreach (var child in a)
                    Strip(child);
            }
        }
    }
}
