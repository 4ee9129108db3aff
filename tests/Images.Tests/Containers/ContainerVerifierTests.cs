using System.Text;
using Docker.DotNet.Models;
using Docker.DotNet;
using Vmspec.Images.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Containers;

/// <summary>ContainerVerifier against the real engine, with a gcc-built stand-in for vmspec.</summary>
[Collection(DockerEngine.Collection)]
public sealed class ContainerVerifierTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Results_are_copied_out_output_is_streamed_and_the_engine_is_left_as_it_was()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        var archive = BuildProbeImage();
        var before = await EngineState.TakeAsync(docker);
        var (output, error) = (new MemoryStream(), new MemoryStream());

        var run = await new ContainerVerifier(docker).RunAsync(archive, Options() with { StandardOutput = output, StandardError = error }, Token);

        Assert.Equal(0, run.ExitCode);
        Assert.True(run.Succeeded);
        Assert.Equal(ResultsProbe.ResultsJson, File.ReadAllText(_temp.Combine("results", "results.json")));
        Assert.Equal(ResultsProbe.JunitXml, File.ReadAllText(_temp.Combine("results", "junit.xml")));
        Assert.Empty(run.MissingFiles);
        Assert.Equal("uid=10001 gid=10001 rootfs=read-only group=10001 userfaultfd=absent\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("probe stderr line\n", Encoding.UTF8.GetString(error.ToArray()));
        Assert.Equal(["verify", "load", "create", "run", "copy results", "remove"], run.Steps.Select(s => s.Key));
        Assert.Equal(before, await EngineState.TakeAsync(docker));
    }

    [Fact]
    public async Task Host_device_is_passed_through_and_its_group_joined()
    {
        var device = HostDevice.Probe(HostDevice.Userfaultfd);
        Assert.SkipWhen(device is null, $"this host has no {HostDevice.Userfaultfd} to pass through");

        using var docker = await DockerEngine.ConnectOrSkipAsync();
        var archive = BuildProbeImage();
        var output = new MemoryStream();

        var run = await new ContainerVerifier(docker).RunAsync(archive, Options() with { Devices = [device! with { GroupId = 4242 }], StandardOutput = output }, Token);

        Assert.Equal(0, run.ExitCode);
        var report = Encoding.UTF8.GetString(output.ToArray()).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(["gid=10001", "group=10001", "group=4242", "rootfs=read-only", "uid=10001", "userfaultfd=present"], report);
    }

    [Fact]
    public async Task Non_zero_exit_is_reported_with_the_results_and_nothing_is_left_behind()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        var archive = BuildProbeImage();
        var before = await EngineState.TakeAsync(docker);

        var run = await new ContainerVerifier(docker).RunAsync(archive, Options() with { Command = ["write", "3"] }, Token);

        Assert.Equal(3, run.ExitCode);
        Assert.False(run.Succeeded);
        Assert.False(run.TimedOut);
        Assert.Equal(2, run.CopiedFiles.Count);
        Assert.Equal(before, await EngineState.TakeAsync(docker));
    }

    [Fact]
    public async Task Container_that_writes_no_results_is_reported_as_missing_them()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        var archive = BuildProbeImage();

        var run = await new ContainerVerifier(docker).RunAsync(archive, Options() with { Command = ["exit", "0"] }, Token);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.CopiedFiles);
        Assert.Equal(["results.json", "junit.xml"], run.MissingFiles);
    }

    [Fact]
    public async Task Container_past_its_timeout_is_killed_and_nothing_is_left_behind()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        var archive = BuildProbeImage();
        var before = await EngineState.TakeAsync(docker);

        var run = await new ContainerVerifier(docker).RunAsync(archive, Options() with { Command = ["sleep"], Timeout = TimeSpan.FromSeconds(2) }, Token);

        Assert.True(run.TimedOut);
        Assert.False(run.Succeeded);
        Assert.Equal(137, run.ExitCode); // SIGKILL
        Assert.InRange(run.RunTime, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        Assert.Equal(before, await EngineState.TakeAsync(docker));
    }

    [Fact]
    public async Task Tampered_image_is_refused_before_the_engine_sees_it()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        var built = OciImageLayout.Build(ProbeImage(), _temp.Combine("image"), new LayerCache(_temp.Combine("cache")));
        TarBytes.FlipByte(built.ArchivePath, TarBytes.DataOffset(built.ArchivePath, built.Layers[1].Digest.BlobPath) + 100);
        var before = await EngineState.TakeAsync(docker);

        var error = await Assert.ThrowsAsync<ImageVerificationException>(() => new ContainerVerifier(docker).RunAsync(built.ArchivePath, Options(), Token));

        Assert.Contains($"layer 1 blob {built.Layers[1].Digest} is corrupt", error.Message);
        Assert.Equal(before, await EngineState.TakeAsync(docker));
        Assert.False(Directory.Exists(_temp.Combine("results")));
    }

    [Fact]
    public async Task Image_that_would_run_as_root_is_refused_and_removed()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        var archive = OciImageLayout.Build(ProbeImage() with { Config = new ImageConfig { Entrypoint = ["/probe"] } }, _temp.Combine("image")).ArchivePath;
        var before = await EngineState.TakeAsync(docker);

        var error = await Assert.ThrowsAsync<ContainerEngineException>(() => new ContainerVerifier(docker).RunAsync(archive, Options(), Token));

        Assert.Contains("runs as 'root (no User set)'", error.Message);
        Assert.Equal(before, await EngineState.TakeAsync(docker));
    }

    [Fact]
    public async Task Unreachable_engine_is_a_clear_error_naming_the_socket_and_how_to_start_one()
    {
        var socket = $"unix://{_temp.Combine("no-engine.sock")}";

        var error = await Assert.ThrowsAsync<ContainerEngineException>(() => DockerEndpoint.ConnectAsync(socket, Token));

        Assert.StartsWith($"no Docker engine answers at {socket}", error.Message);
        Assert.Contains(".ci/dockerd.sh start", error.Message);
    }

    [Fact]
    public async Task Kept_image_is_not_loaded_again_for_the_same_bytes_and_containers_still_go()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        var archive = BuildProbeImage();
        var before = await EngineState.TakeAsync(docker);
        var verified = OciImageVerifier.Verify(archive);
        try
        {
            var first = await new ContainerVerifier(docker).RunAsync(archive, Options() with { KeepImage = true }, Token);
            var since = DateTimeOffset.UtcNow;
            var second = await new ContainerVerifier(docker).RunAsync(archive, Options() with { KeepImage = true }, Token);
            var until = DateTimeOffset.UtcNow;

            Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
            Assert.Equal(verified.ConfigDigest.ToString(), (await docker.Images.InspectImageAsync(verified.Reference, Token)).ID);
            Assert.Equal(0, await ImageLoadEventsAsync(docker, since, until));
            var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, Token);
            Assert.Equal(before.Containers, string.Join(",", containers.Select(c => c.ID).Order(StringComparer.Ordinal)));
        }
        finally
        {
            await docker.Images.DeleteImageAsync(verified.Reference, new ImageDeleteParameters(), CancellationToken.None);
        }
        Assert.Equal(before, await EngineState.TakeAsync(docker));
    }

    /// <summary>The engine's image 'load' events in a time window (the engine reports every load, even of bytes it holds).</summary>
    private static async Task<int> ImageLoadEventsAsync(DockerClient docker, DateTimeOffset since, DateTimeOffset until)
    {
        var loads = new LoadCounter();
        await docker.System.MonitorEventsAsync(
            new ContainerEventsParameters
            {
                Since = EngineTime(since),
                Until = EngineTime(until.AddSeconds(1)),
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["type"] = new Dictionary<string, bool> { ["image"] = true },
                    ["event"] = new Dictionary<string, bool> { ["load"] = true },
                },
            },
            loads, Token);
        return loads.Count;
    }

    /// <summary>The engine's event-filter time format: seconds.nanoseconds since 1970.</summary>
    private static string EngineTime(DateTimeOffset time)
    {
        var ticks = (time - DateTimeOffset.UnixEpoch).Ticks;
        return $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond * 100:D9}";
    }

    /// <summary>Counts synchronously: <see cref="Progress{T}"/> would post the callbacks and race the return.</summary>
    private sealed class LoadCounter : IProgress<Message>
    {
        public int Count { get; private set; }

        public void Report(Message value) => Count++;
    }

    [Fact]
    public void Options_default_to_the_ContainerVerify_limits()
    {
        var options = new ContainerRunOptions { ResultsDirectory = "r" };

        Assert.Equal(512L * 1024 * 1024, options.MemoryBytes);
        Assert.Equal(128, options.PidsLimit);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Timeout);
        Assert.Equal(HostDevice.ProbeVerifierDevices(), options.Devices);
        Assert.False(options.KeepImage);
    }

    private ContainerRunOptions Options() => new() { ResultsDirectory = _temp.Combine("results"), Devices = [] };

    private string BuildProbeImage() =>
        OciImageLayout.Build(ProbeImage(), _temp.Combine("image"), new LayerCache(_temp.Combine("cache"))).ArchivePath;

    private ImageDefinition ProbeImage() => new(
        "vmspec-images-test-probe",
        "t" + Guid.NewGuid().ToString("N"),
        [
            new ImageLayer("results", [LayerEntry.SharedDirectory("results")]),
            new ImageLayer("probe", [LayerEntry.FromSourceFile("probe", ResultsProbe.BuildOrSkip(_temp.Path), executable: true)]),
        ],
        new ImageConfig { Entrypoint = ["/probe"], Cmd = ["write", "0"], User = "10001:10001" },
        new ImageAnnotations(),
        SampleImages.Epoch);

    /// <summary>Every container, volume and image tag the engine holds: equal before and after means nothing leaked.</summary>
    private sealed record EngineState(string Containers, string Volumes, string Images)
    {
        public static async Task<EngineState> TakeAsync(DockerClient docker)
        {
            var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
            var volumes = await docker.Volumes.ListAsync();
            var images = await docker.Images.ListImagesAsync(new ImagesListParameters { All = true });
            return new EngineState(
                Join(containers.Select(c => c.ID)),
                Join((volumes.Volumes ?? []).Select(v => v.Name)),
                Join(images.SelectMany(i => (i.RepoTags ?? []).Prepend(i.ID))));
        }

        private static string Join(IEnumerable<string> items) => string.Join(",", items.Order(StringComparer.Ordinal));
    }
}
