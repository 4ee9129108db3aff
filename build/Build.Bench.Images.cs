using System.Diagnostics;
using Vmspec.Build.Framework;
using Vmspec.Build.Tools;
using Vmspec.Images;

namespace Vmspec.Build;

internal sealed partial class Build
{
    /// <summary>
    /// artifacts/bench/images.json: Images cold and warm build time (builder only, in-process), each image's size and
    /// build times, ContainerVerify's wall time against `vmspec verify specs` on the host, and the lab image's figures
    /// (<see cref="BenchLabImageAsync"/>).
    /// </summary>
    private async Task BenchImagesAsync()
    {
        var report = new BenchReport("images");
        var work = Directory.CreateTempSubdirectory("vmspec-bench-images-").FullName;
        try
        {
            var output = Path.Combine(work, "images");
            var cacheDirectory = Path.Combine(work, "cache");
            var clock = Stopwatch.StartNew();
            var builds = await BuildImagesAsync(output, new LayerCache(cacheDirectory), TextWriter.Null);
            report.Figure("Images cold build (empty layer cache, .debs cached)", clock.Elapsed.TotalMilliseconds, "ms");
            var warm = new List<double>();
            var warmPerImage = builds.ToDictionary(b => b.Image.Reference, _ => new List<double>(), StringComparer.Ordinal);
            for (var run = 0; run < 5; run++)
            {
                clock.Restart();
                foreach (var build in await BuildImagesAsync(output, new LayerCache(cacheDirectory), TextWriter.Null))
                    warmPerImage[build.Image.Reference].Add(build.BuildTime.TotalMilliseconds);
                warm.Add(clock.Elapsed.TotalMilliseconds);
            }
            var warmTiming = new Timing(warm);
            report.Figure("Images warm build (nothing changed)", warmTiming);
            report.Goal("Images warm build, median", warmTiming.Median, "ms", "well under 1000 ms", warmTiming.Median < 1000);
            var labImages = LabArchives().Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            foreach (var build in builds)
            {
                report.Figure($"{build.Image.Reference} cold build (empty layer cache, .debs and host kernels cached)", build.BuildTime.TotalMilliseconds, "ms");
                report.Figure($"{build.Image.Reference} warm build", new Timing(warmPerImage[build.Image.Reference]));
                if (labImages.Contains(Path.GetFileName(build.Image.ArchivePath)))
                    ImageSizeFigures(report, build);
                else
                    report.Goal($"{build.Image.Reference} archive size", build.ArchiveBytes / (1024.0 * 1024.0), "MB", "under 15 MB", build.ArchiveBytes < 15L * 1024 * 1024);
            }
            await BenchContainerVerifyAsync(report, builds.First(b => !labImages.Contains(Path.GetFileName(b.Image.ArchivePath))), work);
            foreach (var lab in builds.Where(b => labImages.Contains(Path.GetFileName(b.Image.ArchivePath))))
                await BenchLabImageAsync(report, lab, work);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        report.Write(BenchDirectory);
    }

    private async Task BenchContainerVerifyAsync(BenchReport report, ImageBuild build, string work)
    {
        var archive = build.Image.ArchivePath;
        const string name = "ContainerVerify overhead over host vmspec verify";
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
            var totals = new List<double>();
            var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            var exitCodes = new SortedSet<long>();
            for (var run = 0; run <= 3; run++)
            {
                var clock = Stopwatch.StartNew();
                var result = await GuardAsync(() => new ContainerVerifier(docker).RunAsync(archive,
                    new ContainerRunOptions { ResultsDirectory = Path.Combine(work, "container-results"), KeepImage = true }));
                if (run == 0)
                    continue; // warms the engine's layer store and the page cache, like Timing's warm-up run
                totals.Add(clock.Elapsed.TotalMilliseconds);
                exitCodes.Add(result.ExitCode);
                foreach (var (step, time) in result.Steps)
                    (steps.TryGetValue(step, out var list) ? list : steps[step] = []).Add(time.TotalMilliseconds);
            }
            // The same specs on the host; non-zero exits are measured too: a failing case costs the same time in both places.
            var host = await Timing.OfProcessAsync(Vmspec, ["verify", .. build.SpecFiles], 3, Root, allowNonZeroExit: true);
            var container = new Timing(totals);
            report.Figure($"ContainerVerify wall time (exit codes {string.Join(",", exitCodes)})", container);
            foreach (var (step, times) in steps)
                report.Figure($"  ContainerVerify step: {step}", new Timing(times));
            report.Figure("host vmspec verify of the image's specs, wall time", host);
            var overhead = container.Median - host.Median;
            report.Goal(name, overhead, "ms", "under 500 ms", overhead < 500);
            // The steps around the run are the container's own cost, whatever the cases do inside it.
            var aroundRun = new Timing(totals.Select((total, i) => total - steps["run"][i]).ToList());
            report.Goal("ContainerVerify time outside the container run", aroundRun.Median, "ms", "under 500 ms", aroundRun.Median < 500);
        }
    }
}
