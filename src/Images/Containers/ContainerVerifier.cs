using System.Diagnostics;
using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;
using Vmspec.Shared.Io;

namespace Vmspec.Images;

/// <summary>
/// Runs a built image the way ContainerVerify does: the archive is verified before the engine sees
/// it, loaded, run as its non-root user with no network, a read-only root, memory and pid limits,
/// /dev/kvm (and its group) only when the host has it (likewise /dev/userfaultfd), a tmpfs /tmp, and an anonymous
/// volume for results; output is streamed as it comes, result files are copied out, and the
/// container, its volume and the loaded tag are removed on every path.
/// </summary>
public sealed class ContainerVerifier(DockerClient client)
{
    /// <summary>Label on every container we create, so leftovers are easy to find.</summary>
    public const string ContainerLabel = "vmspec.container-verify";

    public async Task<ContainerRunResult> RunAsync(string archivePath, ContainerRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var steps = new StepClock();
        var image = OciImageVerifier.Verify(archivePath); // a changed byte stops here, before anything is loaded
        steps.Done("verify");
        string? containerId = null;
        var step = "load";
        ContainerRunResult result;
        try
        {
            if (!await IsLoadedAsync(image, cancellationToken))
                await LoadAsync(image, cancellationToken);
            var user = await CheckedUserAsync(image, cancellationToken);
            steps.Done(step);
            step = "create";
            containerId = (await client.Containers.CreateContainerAsync(CreateParameters(image, user, options), cancellationToken)).ID;
            steps.Done(step);
            step = "run";
            var (exitCode, timedOut, runTime) = await RunToExitAsync(containerId, options, cancellationToken);
            steps.Done(step);
            step = "copy results";
            var (copied, missing) = await CopyResultsAsync(containerId, options, cancellationToken);
            steps.Done(step);
            result = new ContainerRunResult(image, exitCode, timedOut, copied, missing, runTime, steps.Times);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or InvalidDataException)
        {
            var failure = new ContainerEngineException($"{image.Reference}: {step} failed: {e.GetType().Name}: {e.Message}", e);
            throw await RemoveAsync(containerId, image.Reference, options.KeepImage) is { } cleanupFailure
                ? new ContainerEngineException($"{failure.Message} (and {cleanupFailure})", e)
                : failure;
        }
        catch (Exception e)
        {
            if (await RemoveAsync(containerId, image.Reference, options.KeepImage) is { } cleanupFailure)
            {
                throw new ContainerEngineException($"{e.Message} (and {cleanupFailure})", e);
            }

            throw;
        }

        var leftover = await RemoveAsync(containerId, image.Reference, options.KeepImage);
        steps.Done("remove");
        return leftover is null ? result : throw new ContainerEngineException(leftover);
    }

    /// <summary>
    /// Verifies the archive and loads it unless the engine already holds these bytes: done once before several containers of
    /// one image run at once, whose own loads then find it there. The image stays loaded.
    /// </summary>
    public async Task<VerifiedImage> LoadAsync(string archivePath, CancellationToken cancellationToken = default)
    {
        var image = OciImageVerifier.Verify(archivePath);
        try
        {
            if (!await IsLoadedAsync(image, cancellationToken))
                await LoadAsync(image, cancellationToken);
            return image;
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            throw new ContainerEngineException($"{image.Reference}: load failed: {e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>Wall time of each step, for the ContainerVerify log and the image benchmark.</summary>
    private sealed class StepClock
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<KeyValuePair<string, TimeSpan>> _times = [];
        private TimeSpan _last;

        public IReadOnlyList<KeyValuePair<string, TimeSpan>> Times => _times;

        public void Done(string step)
        {
            _times.Add(new(step, _clock.Elapsed - _last));
            _last = _clock.Elapsed;
        }
    }

    /// <summary>Whether the engine already holds exactly these bytes under our tag (its image id is the config digest).</summary>
    private async Task<bool> IsLoadedAsync(VerifiedImage image, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.Images.InspectImageAsync(image.Reference, cancellationToken)).ID == image.ConfigDigest.ToString();
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    private async Task LoadAsync(VerifiedImage image, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        await using (var archive = File.OpenRead(image.ArchivePath))
        {
            await client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive,
                new InlineProgress(m => { if (m.Error is { } error) { errors.Add(error.Message); } }), cancellationToken);
        }

        if (errors.Count > 0)
        {
            throw new ContainerEngineException($"{image.ArchivePath}: the engine refused to load the image: {string.Join("; ", errors)}");
        }

        // The engine's image id is the config digest: anything else means it holds other content under our tag.
        var loaded = await client.Images.InspectImageAsync(image.Reference, cancellationToken);
        if (loaded.ID != image.ConfigDigest.ToString())
        {
            throw new ContainerEngineException($"{image.Reference}: the engine's image id {loaded.ID} is not the verified config digest {image.ConfigDigest}");
        }
    }

    /// <summary>The image's configured user; an image without one, or running as root, is refused.</summary>
    private async Task<string> CheckedUserAsync(VerifiedImage image, CancellationToken cancellationToken)
    {
        var user = (await client.Images.InspectImageAsync(image.Reference, cancellationToken)).Config?.User ?? string.Empty;
        var name = user.Split(':')[0];
        return name is "" or "0" or "root"
            ? throw new ContainerEngineException($"{image.Reference}: the image runs as '{(user.Length == 0 ? "root (no User set)" : user)}'; ContainerVerify runs images only as a non-root user")
            : user;
    }

    private static CreateContainerParameters CreateParameters(VerifiedImage image, string user, ContainerRunOptions options)
    {
        var host = new HostConfig
        {
            NetworkMode = "none",
            ReadonlyRootfs = true,
            Memory = options.MemoryBytes,
            MemorySwap = options.MemoryBytes, // no swap on top of the limit
            PidsLimit = options.PidsLimit,
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
        };
        if (options.ScratchDirectory is { } scratch)
            host.Tmpfs = new Dictionary<string, string> { [scratch] = "rw,nosuid,nodev,mode=1777,size=256m" };
        if (options.Devices.Count > 0)
        {
            host.Devices = options.Devices.Select(d => new DeviceMapping { PathOnHost = d.Path, PathInContainer = d.Path, CgroupPermissions = "rwm" }).ToList();

            // Group 0 would make the user a member of root's group and opens nothing a 0600 root device keeps closed.
            host.GroupAdd = options.Devices.Select(d => d.GroupId).Where(g => g != 0).Distinct()
                .Select(g => g.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        }

        return new CreateContainerParameters
        {
            Image = image.Reference,
            User = user,
            Cmd = options.Command?.ToList(),
            Env = options.Environment.Count > 0 ? options.Environment.ToList() : null,
            NetworkDisabled = true,
            Labels = new Dictionary<string, string> { [ContainerLabel] = image.Reference },
            Volumes = new Dictionary<string, EmptyStruct> { [options.ContainerResultsPath] = default },
            HostConfig = host,
        };
    }

    private async Task<(long ExitCode, bool TimedOut, TimeSpan RunTime)> RunToExitAsync(string id, ContainerRunOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        var logs = StreamLogsAsync(id, options, deadline.Token);
        try
        {
            var exit = await client.Containers.WaitContainerAsync(id, deadline.Token);
            var runTime = clock.Elapsed;
            await logs; // the log stream ends once the container has exited
            return (exit.StatusCode, false, runTime);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await client.Containers.KillContainerAsync(id, new ContainerKillParameters(), CancellationToken.None);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // It exited on its own just as the deadline passed.
            }

            var exit = await client.Containers.WaitContainerAsync(id, CancellationToken.None);
            await IgnoreCancellation(logs);
            return (exit.StatusCode, true, clock.Elapsed);
        }
    }

    private async Task StreamLogsAsync(string id, ContainerRunOptions options, CancellationToken cancellationToken)
    {
        using var stream = await client.Containers.GetContainerLogsAsync(id, tty: false,
            new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Follow = true }, cancellationToken);
        var buffer = new byte[1 << 14];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                return;
            }

            var sink = read.Target == MultiplexedStream.TargetStream.StandardError ? options.StandardError : options.StandardOutput;
            if (sink is not null)
            {
                await sink.WriteAsync(buffer.AsMemory(0, read.Count), cancellationToken);
                await sink.FlushAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Copies the result files out of the (stopped) container's volume into the results directory:
    /// one archive request for the whole results directory (each request costs the engine a mount).
    /// </summary>
    private async Task<(List<string> Copied, List<string> Missing)> CopyResultsAsync(string id, ContainerRunOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.ResultsDirectory);
        var containerDirectory = options.ContainerResultsPath.TrimEnd('/');
        var archive = await client.Containers.GetArchiveFromContainerAsync(id,
            new GetArchiveFromContainerParameters { Path = containerDirectory + "/." }, statOnly: false, cancellationToken);

        // Buffered first: the engine's chunked response stream fails when TarReader reads it to the end.
        using var buffered = new MemoryStream();
        using (archive.Stream)
        {
            await CopyBoundedAsync(archive.Stream, buffered, containerDirectory, cancellationToken);
        }

        buffered.Position = 0;
        var wanted = options.ResultFiles.ToHashSet(StringComparer.Ordinal);
        var copied = new List<string>();
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = new TarReader(buffered);
        while (await reader.GetNextEntryAsync(cancellationToken: cancellationToken) is { } entry)
        {
            // Entries are named "./results.json" (or "results/results.json" on some engines): match the path below the directory.
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name[(entry.Name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            if (entry is { EntryType: TarEntryType.RegularFile or TarEntryType.V7RegularFile, DataStream: { } data } && wanted.Contains(name) && found.Add(name))
            {
                var destination = Path.Combine(options.ResultsDirectory, Path.GetFileName(name));
                AtomicFile.Write(destination, data.CopyTo);
                copied.Add(destination);
            }
        }

        return (copied, options.ResultFiles.Where(f => !found.Contains(f)).ToList());
    }

    /// <summary>Results are reports, not bulk data: a results directory larger than this is refused rather than buffered.</summary>
    private const long MaxResultsBytes = 256L * 1024 * 1024;

    private static async Task CopyBoundedAsync(Stream source, Stream destination, string file, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (destination.Length + read > MaxResultsBytes)
            {
                throw new ContainerEngineException($"'{file}' in the container holds more than {MaxResultsBytes / (1024 * 1024)} MiB of results");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>
    /// Removes the container with its anonymous volume, then (unless kept) our tag; runs on every path, so it
    /// ignores cancellation. Returns what could not be removed, or null.
    /// </summary>
    private async Task<string?> RemoveAsync(string? containerId, string reference, bool keepImage)
    {
        var failures = new List<string>();
        if (containerId is not null)
        {
            try
            {
                await client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
            {
                // Reported with the run's own error, never instead of it.
                failures.Add($"container {containerId}: {e.Message}");
            }
        }

        try
        {
            if (!keepImage)
                await client.Images.DeleteImageAsync(reference, new ImageDeleteParameters(), CancellationToken.None);
        }
        catch (DockerImageNotFoundException)
        {
            // Never loaded (or already gone): nothing to remove.
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            failures.Add($"image {reference}: {e.Message}");
        }

        return failures.Count > 0 ? "cleanup failed, remove by hand: " + string.Join("; ", failures) : null;
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // The log stream was cut by the deadline; what arrived was already written.
        }
    }

    /// <summary>Progress that runs inline, so every message is seen before LoadImageAsync returns.</summary>
    private sealed class InlineProgress(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
