using System.Globalization;
using System.Text.Json;
using Vmspec.Build.Framework;
using Vmspec.Build.Tools;
using Vmspec.Images;
using Vmspec.SpecCompiler;

namespace Vmspec.Build;

internal sealed partial class Build
{
    [Parameter("ContainerVerify: run each lab image as N shard containers at once and merge their results (0: every image once, whole)")]
    public int Shards { get; set; }

    [Parameter("ContainerVerify: how long a container may run before it is killed and reported, e.g. 90s, 20m")]
    public string ContainerTimeout { get; set; } = "20m";

    /// <summary>The archives of the image definitions that carry a lab (images/*.yaml with image.lab).</summary>
    private static IReadOnlyList<string> LabArchives() =>
        ImageCompilation.CompileDirectory(ImageDefinitions, Root).Images.Where(i => i.Plan.LabHosts.Count > 0)
            .Select(i => Path.Combine(ImagesDirectory, i.Name.Replace('/', '_') + OciImageLayout.ArchiveExtension)).ToList();

    private TimeSpan ContainerTimeoutSpan => ContainerTimeout.Length > 1 && int.TryParse(ContainerTimeout[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
        && ContainerTimeout[^1] is 's' or 'm' && n > 0
            ? ContainerTimeout[^1] == 's' ? TimeSpan.FromSeconds(n) : TimeSpan.FromMinutes(n)
            : throw new BuildException($"--container-timeout {ContainerTimeout}: expected seconds or minutes, e.g. 90s, 20m");

    /// <summary>
    /// Each lab image as <see cref="Shards"/> containers at once (<see cref="ShardContainers"/>), their results.json copied to
    /// artifacts/container-results/NAME/shards/I/ and joined by the published vmspec's merge (the command a CI or cluster
    /// run uses) into artifacts/container-results/NAME/, every shard expected: a container that died, timed out or wrote
    /// garbage fails its pairs with what happened. Fails unless the merge passed with no case skipped: the lab image exists
    /// to give verdicts where there is no /dev/kvm.
    /// </summary>
    private async Task ShardedContainerVerifyAsync()
    {
        var archives = LabArchives();
        if (archives.Count == 0)
            throw new BuildException("no image definition under images/ has a lab (image.lab): nothing to shard");
        var timeout = ContainerTimeoutSpan;
        using var docker = await GuardAsync(() => DockerEndpoint.ConnectAsync(DockerHost.Length > 0 ? DockerHost : null));
        var failures = new List<string>();
        foreach (var archive in archives)
        {
            var name = Path.GetFileName(archive)[..^OciImageLayout.ArchiveExtension.Length];
            var output = Path.Combine(Artifacts, "container-results", name);
            if (Directory.Exists(output))
                Directory.Delete(output, recursive: true);
            Console.WriteLine($"== {Path.GetRelativePath(Root, archive)}: {Shards} shard(s)");
            var (shards, wall) = await GuardAsync(() => ShardContainers.RunAsync(docker, archive, Shards, Path.Combine(output, "shards"), timeout, Console.Out));
            foreach (var shard in shards)
                Console.WriteLine($"== shard {shard.Index}/{shard.Count}: " + (shard.Run is { } run
                    ? $"exit code {run.ExitCode}{(run.TimedOut ? " (timed out)" : "")}, container {run.RunTime.TotalSeconds:0.0} s"
                      + (run.MissingFiles.Count > 0 ? $", MISSING {string.Join(", ", run.MissingFiles)}" : "")
                    : "not run") + (shard.Fault is { } fault ? $"; fault: {fault}" : ""));
            Console.WriteLine($"== {Shards} shard(s) in {wall.TotalSeconds:0.0} s wall; merging");
            List<string> merge = ["merge", .. shards.Select(s => s.ResultsJson), "--expect", Shards.ToString(CultureInfo.InvariantCulture), "-o", output];
            foreach (var shard in shards.Where(s => s.Fault is not null))
                merge.AddRange(["--fault", $"{shard.Index}={shard.Fault}"]);
            var exitCode = await ProcessRunner.RunForExitCodeAsync(Vmspec, merge, Root);
            var skipped = File.Exists(Path.Combine(output, "results.json")) ? SkippedCases(Path.Combine(output, "results.json")) : 0;
            if (exitCode != 0)
                failures.Add($"{name}: vmspec merge exited with code {exitCode} (see {Path.GetRelativePath(Root, output)})");
            else if (skipped > 0)
                failures.Add($"{name}: {skipped} (case, host) pair(s) skipped: the lab image must give verdicts without /dev/kvm");
        }
        if (failures.Count > 0)
            throw new BuildException(string.Join("; ", failures));
    }

    private static int SkippedCases(string resultsJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(resultsJson));
        return document.RootElement.GetProperty("runs").EnumerateArray().Sum(r => r.GetProperty("summary").GetProperty("skipped").GetInt32());
    }
}
