using System.Text.Json;
using Docker.DotNet;
using Vmspec.Build.Tools;
using Vmspec.Images;
using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler;
using Vmspec.TestSupport;

namespace Vmspec.Build.Tests;

/// <summary>
/// The checked-in lab image on a real Docker engine: in a container with no device, no capability, no network and a
/// read-only root, vmspec boots each pinned host kernel under QEMU's TCG and gets real verdicts from its kvm_amd.
/// </summary>
public sealed class LabImageTests : IDisposable
{
    private readonly TempDirectory _temp = new("vmspec-lab-image-test-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_lab_image_passes_a_spec_on_every_pinned_host_kernel_in_a_container_without_devices_or_privileges()
    {
        var root = TestRepository.Root;
        if (!File.Exists(Path.Combine(root, "artifacts", "bin", "vmspec")))
            Assert.Skip("artifacts/bin/vmspec does not exist: run ./build.sh Publish (./build.sh Test does)");
        using var docker = await ConnectOrSkipAsync();
        using var engine = await DockerEngineLock.AcquireAsync(TimeSpan.FromMinutes(20), TestContext.Current.CancellationToken);
        var image = Assert.Single(ImageCompilation.CompileDirectory(Path.Combine(root, "images"), root).Images, i => i.Plan.LabHosts.Count > 0);
        ImageDefinition definition;
        try
        {
            definition = ImageAssembler.Assemble(image, new ImageAssemblyInputs(root, 1_700_000_000, null, null,
                new DebCache(DebCache.DefaultDirectory), new LabKernelFiles(_ => { })));
            _ = definition.Layers.Select(l => l.Entries).ToList(); // fetch now: a package that cannot be fetched skips, below
        }
        catch (ImageBuildException e) when (e.InnerException is PackageNotServedException)
        {
            Assert.Skip($"the lab image's pinned Debian packages cannot be fetched here: {e.Message}");
            return;
        }
        var archive = OciImageLayout.Build(definition, _temp.Combine("image")).ArchivePath;
        var verifier = new ContainerVerifier(docker);

        var run = await verifier.RunAsync(archive, new ContainerRunOptions
        {
            ResultsDirectory = _temp.Combine("results"),
            Command = ["verify", "/opt/vmspec/specs/minimal.yaml", "/opt/vmspec/specs/asyncpf/ack-bits.yaml", "--host", "all", "--results", "/results"],
            Devices = [],
            MemoryBytes = ShardContainers.LabMemoryBytes,
            PidsLimit = ShardContainers.LabPidsLimit,
            Timeout = TimeSpan.FromMinutes(5),
        }, TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}, timed out {run.TimedOut}");
        using var results = JsonDocument.Parse(File.ReadAllBytes(_temp.Combine("results", "results.json")));
        var runs = results.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(image.Plan.LabHosts.Select(h => h.Name), runs.Select(r => r.GetProperty("host").GetProperty("name").GetString()));
        foreach (var host in runs)
        {
            Assert.Equal(("lab", "kvm_amd"), (host.GetProperty("host").GetProperty("mode").GetString(), host.GetProperty("host").GetProperty("flavour").GetString()));
            Assert.Equal(["ack-bits", "minimal"], host.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
            Assert.All(host.GetProperty("cases").EnumerateArray(), c => Assert.Equal("passed", c.GetProperty("status").GetString()));
        }
    }

    private static async Task<DockerClient> ConnectOrSkipAsync()
    {
        var endpoint = DockerEndpoint.Resolve(Environment.GetEnvironmentVariable("DOCKER_HOST"));
        try
        {
            return await DockerEndpoint.ConnectAsync(endpoint);
        }
        catch (ContainerEngineException e)
        {
            Assert.Skip(e.Message); // names the socket and how to start an engine
            throw; // unreachable: Assert.Skip throws
        }
    }
}
