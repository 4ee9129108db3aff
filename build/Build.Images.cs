using System.Diagnostics;
using Vmspec.Build.Framework;
using Vmspec.Build.Tools;
using Vmspec.Images;
using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler;
using Epoch = Vmspec.Images.SourceDateEpoch;

namespace Vmspec.Build;

internal sealed partial class Build
{
    [Parameter("Seconds since 1970 stamped on image files and 'created' fields (default: the last commit's time)")]
    public string SourceDateEpoch { get; set; } = "";

    [Parameter("URL recorded as the images' org.opencontainers.image.source (default: remote 'origin' if it is a network URL)")]
    public string ImageSource { get; set; } = "";

    [Parameter($"Docker engine for ContainerVerify (default {DockerEndpoint.DefaultHost}, the engine .ci/dockerd.sh starts)")]
    public string DockerHost { get; set; } = "";

    private static string ImagesDirectory => Path.Combine(Artifacts, "images");
    private static string ImageDefinitions => Path.Combine(Root, "images");
    private static string DebianLock => Path.Combine(ImageDefinitions, "debian.lock.json");

    private Target Images => _ => _
        .Description("Build every images/*.yaml into artifacts/images/NAME.oci.tar (layer cache in artifacts/images/.cache)")
        .DependsOn(Publish)
        .Executes(async () =>
        {
            var cache = new LayerCache(Path.Combine(ImagesDirectory, ".cache"));
            var built = await BuildImagesAsync(ImagesDirectory, cache, Console.Out);
            if (cache.PruneUnused() is > 0 and var pruned)
                Console.WriteLine($"pruned {pruned} unused layer cache file(s)");
            var names = built.Select(b => Path.GetFileName(b.Image.ArchivePath)).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in Directory.GetFiles(ImagesDirectory, "*" + OciImageLayout.ArchiveExtension).Where(f => !names.Contains(Path.GetFileName(f))))
            {
                Console.WriteLine($"removing {Path.GetFileName(stale)}: no image definition builds it any more");
                File.Delete(stale);
            }
        });

    private Target Reproduce => _ => _
        .Description("Build the images in two fresh clones of HEAD and require bit-identical archives")
        .Executes(ReproduceAsync);

    private Target ContainerVerify => _ => _
        .Description("Run each built image in Docker (DOCKER_HOST) as ContainerVerify does, or with --shards N each lab image as N shard containers merged; results in artifacts/container-results/")
        .DependsOn(Images)
        .Executes(() => Shards > 0 ? ShardedContainerVerifyAsync() : ContainerVerifyAsync());

    private Target Lock => _ => _
        .Description("Refresh images/debian.lock.json to apt's current candidates (and pin the packages images/*.yaml name that it lacks); print what changed")
        .Executes(RefreshLockAsync);

    /// <param name="SpecFiles">the image's spec files (absolute; a lab's host kernel files left out), for running the same specs on the host</param>
    private sealed record ImageBuild(BuiltImage Image, long ArchiveBytes, TimeSpan BuildTime, IReadOnlyList<string> SpecFiles);

    /// <summary>Compiles images/ and builds each image; progress and digests go to <paramref name="log"/>.</summary>
    private async Task<IReadOnlyList<ImageBuild>> BuildImagesAsync(string outputDirectory, LayerCache cache, TextWriter log)
    {
        var compiled = ImageCompilation.CompileDirectory(ImageDefinitions, Root);
        foreach (var diagnostic in compiled.Diagnostics)
            Console.Error.WriteLine(diagnostic);
        if (!compiled.Succeeded)
            throw new BuildException($"{compiled.Diagnostics.Count} error(s) in the image definitions under images/");
        if (compiled.Images.Count == 0)
            throw new BuildException("images/ holds no image definition");

        var inputs = new ImageAssemblyInputs(Root, await ImageEpochAsync(), await Git.HeadAsync(Root),
            ImageSource.Length > 0 ? ImageSource : await Git.NetworkOriginAsync(Root), new DebCache(DebCache.DefaultDirectory),
            new LabKernelFiles(message => log.WriteLine($"  {message}")));
        var builds = new List<ImageBuild>();
        foreach (var image in compiled.Images)
        {
            var clock = Stopwatch.StartNew();
            var layerStart = TimeSpan.Zero;
            log.WriteLine($"{image.Name}:{image.Plan.Tag} ({image.Cases.Count} plans, from {Path.GetRelativePath(Root, image.SourceFile)})");
            var built = Guard(() => OciImageLayout.Build(ImageAssembler.Assemble(image, inputs), outputDirectory, cache, (index, layer, blob) =>
            {
                log.WriteLine($"  layer {index} {blob.Digest.Hex[..12]} {Megabytes(blob.Size),6:0.00} MB {(blob.FromCache ? "cached" : "built"),-6} {(clock.Elapsed - layerStart).TotalMilliseconds,5:0} ms  {layer.CreatedBy}");
                layerStart = clock.Elapsed;
            }));
            var size = new FileInfo(built.ArchivePath).Length;
            var hostFiles = image.Plan.LabHosts.Select(h => h.File).ToHashSet(StringComparer.Ordinal);
            builds.Add(new ImageBuild(built, size, clock.Elapsed, image.Plan.SpecFiles.Where(f => !hostFiles.Contains(f.Path))
                .Select(f => Path.Combine(Root, f.Path)).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)).ToList()));
            log.WriteLine($"  {Path.GetRelativePath(Root, built.ArchivePath)}: manifest {built.ManifestDigest}, {Megabytes(size):0.00} MB, {clock.ElapsedMilliseconds} ms");
        }
        return builds;
    }

    private async Task<long> ImageEpochAsync() => Guard(() => SourceDateEpoch.Length > 0 ? Epoch.Parse(SourceDateEpoch) : (long?)null)
        ?? await Git.LastCommitTimeAsync(Root);

    private async Task ReproduceAsync()
    {
        var uncommitted = await Git.UncommittedAsync(Root);
        if (uncommitted.Count > 0)
            throw new BuildException($"the clones would not contain {uncommitted.Count} uncommitted change(s); commit or stash them first:\n  "
                + string.Join("\n  ", uncommitted.Take(20)) + (uncommitted.Count > 20 ? "\n  ..." : ""));

        // Different path lengths catch builds that embed their checkout path.
        var clones = new[] { "vmspec-repro-a-", "vmspec-reproduce-second-clone-b-" }
            .Select(prefix => Directory.CreateTempSubdirectory(prefix).FullName).ToArray();
        try
        {
            var environment = SourceDateEpoch.Length > 0 ? new Dictionary<string, string> { [Epoch.VariableName] = SourceDateEpoch } : null;
            for (var i = 0; i < clones.Length; i++)
            {
                if (i > 0)
                    await Task.Delay(TimeSpan.FromSeconds(3)); // a build that stamps the wall clock now differs
                Console.WriteLine($"== clone {i + 1} of {await Git.HeadAsync(Root)} into {clones[i]}");
                await Git.CloneAsync(Root, clones[i]);
                await ProcessRunner.RunAsync(Path.Combine(clones[i], "build.sh"), ["Images"], clones[i], environment);
            }
            CompareImageArchives(Path.Combine(clones[0], "artifacts", "images"), Path.Combine(clones[1], "artifacts", "images"));
        }
        finally
        {
            foreach (var clone in clones)
                Directory.Delete(clone, recursive: true);
        }
    }

    private static void CompareImageArchives(string first, string second)
    {
        var names = Archives(first).Union(Archives(second)).Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
            throw new BuildException($"the clones built no image archives ({first})");
        var mismatches = new List<string>();
        foreach (var name in names)
        {
            var (left, right) = (Path.Combine(first, name), Path.Combine(second, name));
            if (!File.Exists(left) || !File.Exists(right))
            {
                mismatches.Add($"{name}: built only by clone {(File.Exists(left) ? 1 : 2)}");
                continue;
            }
            var (a, b) = (Digest.OfFile(left), Digest.OfFile(right));
            Console.WriteLine($"{name}\n  clone 1 {a}\n  clone 2 {b}\n  {(a == b ? "identical" : "DIFFERENT")}");
            if (a != b)
                mismatches.Add($"{name}: {OciImageDiff.Compare(left, right)?.Description ?? "same image, different archive bytes"}");
        }
        if (mismatches.Count > 0)
            throw new BuildException("the image builds are not reproducible:\n  " + string.Join("\n  ", mismatches));
        Console.WriteLine($"{names.Count} image(s) reproduced bit for bit");
    }

    private static IEnumerable<string> Archives(string directory) => Directory.Exists(directory)
        ? Directory.GetFiles(directory, "*" + OciImageLayout.ArchiveExtension).Select(f => Path.GetFileName(f)!)
        : [];

    /// <summary>vmspec verify's exit code when every case was skipped (README, "Exit codes").</summary>
    private const int VmspecNothingRanExitCode = 4;

    private async Task ContainerVerifyAsync()
    {
        var archives = Directory.GetFiles(ImagesDirectory, "*" + OciImageLayout.ArchiveExtension).Order(StringComparer.Ordinal).ToList();
        var resultsRoot = Path.Combine(Artifacts, "container-results");
        using var docker = await GuardAsync(() => DockerEndpoint.ConnectAsync(DockerHost.Length > 0 ? DockerHost : null));
        var devices = HostDevice.ProbeVerifierDevices();
        var withoutKvm = devices.All(d => d.Path != HostDevice.Kvm);
        var labArchives = LabArchives();
        if (withoutKvm)
            Console.WriteLine("no /dev/kvm on this host: images without a lab run without it and report every case skipped");
        foreach (var device in devices)
            Console.WriteLine($"passing {device.Path} (group {device.GroupId}) to the containers of images without a lab");
        var failures = new List<string>();
        await using var stdout = Console.OpenStandardOutput();
        await using var stderr = Console.OpenStandardError();
        foreach (var archive in archives)
        {
            // One image writes straight into container-results/; several get a directory each.
            var results = archives.Count == 1 ? resultsRoot : Path.Combine(resultsRoot, Path.GetFileName(archive)[..^OciImageLayout.ArchiveExtension.Length]);
            if (Directory.Exists(results))
                Directory.Delete(results, recursive: true);
            Console.WriteLine($"== {Path.GetRelativePath(Root, archive)}");
            Console.Out.Flush();
            var clock = Stopwatch.StartNew();
            // A lab image gives verdicts without any device: it runs KVM under QEMU's TCG, on every pinned host kernel.
            var lab = labArchives.Contains(archive);
            var options = new ContainerRunOptions
            {
                ResultsDirectory = results,
                Devices = devices,
                Timeout = ContainerTimeoutSpan,
                StandardOutput = stdout,
                StandardError = stderr,
                KeepImage = true, // a rerun of the same bytes then skips the load
            };
            if (lab)
                options = options with { Devices = [], MemoryBytes = ShardContainers.LabMemoryBytes, PidsLimit = ShardContainers.LabPidsLimit };
            var run = await GuardAsync(() => new ContainerVerifier(docker).RunAsync(archive, options));
            Console.WriteLine($"== {run.Image.Reference}: exit code {run.ExitCode}{(run.TimedOut ? $" (killed after the {ContainerTimeout} timeout)" : "")}, "
                + $"container {run.RunTime.TotalMilliseconds:0} ms, total {clock.ElapsedMilliseconds} ms; "
                + (run.CopiedFiles.Count > 0 ? $"copied {string.Join(", ", run.CopiedFiles.Select(f => Path.GetRelativePath(Root, f)))}" : "copied nothing")
                + (run.MissingFiles.Count > 0 ? $"; MISSING {string.Join(", ", run.MissingFiles)}" : ""));
            Console.WriteLine("   " + string.Join(", ", run.Steps.Select(s => $"{s.Key} {s.Value.TotalMilliseconds:0} ms")));
            // Without /dev/kvm nothing can run, and vmspec says so with its documented exit code: expected here.
            var nothingRanAsExpected = withoutKvm && !lab && !run.TimedOut && run.ExitCode == VmspecNothingRanExitCode;
            if (!run.Succeeded && !nothingRanAsExpected)
                failures.Add($"{run.Image.Reference} exited with code {run.ExitCode}{(run.TimedOut ? " after the timeout" : "")}");
            else if (run.MissingFiles.Count > 0)
                failures.Add($"{run.Image.Reference} did not write {string.Join(", ", run.MissingFiles)}");
        }
        if (failures.Count > 0)
            throw new BuildException(string.Join("; ", failures));
    }

    private static async Task RefreshLockAsync()
    {
        await ProcessRunner.RunAsync("apt-get", ["update", "-qq"], Root); // candidates come from the package lists
        var current = Guard(() => DebianLockFile.Load(DebianLock));
        // The lock holds what it held and every package an image definition names: a new package is pinned here first.
        var names = current.Packages.Select(p => p.Name).Union(ImageCompilation.RequestedPackages(ImageDefinitions), StringComparer.Ordinal).ToList();
        var refreshed = Guard(() => current.Refresh(names, new AptGet()));
        var changed = 0;
        foreach (var after in refreshed.Packages)
        {
            var before = current.Packages.FirstOrDefault(p => p.Name == after.Name);
            var same = before == after;
            changed += same ? 0 : 1;
            Console.WriteLine(same ? $"  {after.Name} {after.Version}: unchanged"
                : before is null ? $"  {after.Name}: pinned {after.Version} (sha256 {after.Sha256})"
                : $"  {after.Name}: {before.Version} -> {after.Version} (sha256 {after.Sha256})");
        }
        if (changed == 0)
        {
            Console.WriteLine($"{Path.GetRelativePath(Root, DebianLock)} is current");
            return;
        }
        refreshed.Save(DebianLock);
        Console.WriteLine($"{Path.GetRelativePath(Root, DebianLock)}: {changed} package(s) updated; ./build.sh Images picks them up");
    }

    /// <summary>Turns the image library's input errors into build failures (a message, not a stack trace).</summary>
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ImageBuildException or ImageVerificationException or ContainerEngineException or DebianPackageException)
        {
            throw new BuildException(e.Message);
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is ImageBuildException or ImageVerificationException or ContainerEngineException)
        {
            throw new BuildException(e.Message);
        }
    }

    private static double Megabytes(long bytes) => bytes / (1024.0 * 1024.0);
}
