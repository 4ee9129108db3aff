using System.Diagnostics;
using System.Text.Json;
using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler;

namespace Vmspec.Images.Tests;

/// <summary>
/// The checked-in image with the real NativeAOT vmspec (./build.sh Test publishes it first): it loads,
/// runs, and its results equal a host run of the same specs, case by case and check by check.
/// </summary>
[Collection(DockerEngine.Collection)]
public sealed class RealImageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Verification_image_results_equal_a_host_run_of_the_same_specs()
    {
        var root = Repository.Root;
        var vmspec = Path.Combine(root, "artifacts", "bin", "vmspec");
        if (!File.Exists(vmspec))
            Assert.Skip($"{vmspec} does not exist: run ./build.sh Publish (./build.sh Test does)");
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        if (UnixFileModeOf(HostDevice.Kvm) is { } mode && !mode.HasFlag(UnixFileMode.GroupRead | UnixFileMode.GroupWrite))
            Assert.Skip($"{HostDevice.Kvm} is mode {Convert.ToString((int)mode, 8)}: the image's non-root user, who joins its group, cannot open it, "
                + "so the container's KVM cases would skip where this host's pass (give the group rw, as Debian's udev rule does: chmod 0660)");
        var compiled = ImageCompilation.CompileDirectory(Path.Combine(root, "images"), root);
        Assert.True(compiled.Succeeded, string.Join('\n', compiled.Diagnostics));
        var image = Assert.Single(compiled.Images);
        var inputs = new ImageAssemblyInputs(root, SampleImages.Epoch, null, null, new DebCache(DebCache.DefaultDirectory));
        ImageDefinition definition;
        try
        {
            definition = ImageAssembler.Assemble(image, inputs);
        }
        catch (ImageBuildException e) when (e.InnerException is PackageNotServedException)
        {
            Assert.Skip($"the image's pinned Debian packages cannot be fetched here: {e.Message}");
            return;
        }
        var archive = OciImageLayout.Build(definition, _temp.Combine("image"), new LayerCache(_temp.Combine("cache"))).ArchivePath;

        var run = await new ContainerVerifier(docker).RunAsync(archive, new ContainerRunOptions { ResultsDirectory = _temp.Combine("container") },
            TestContext.Current.CancellationToken);
        var specs = image.Plan.SpecFiles.Select(f => Path.Combine(root, f.Path)).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal));
        var host = RunOnHost(vmspec, ["verify", .. specs, "--host", "native", "--results", _temp.Combine("host")]);

        Assert.Equal(host, run.ExitCode);
        Assert.Equal(Comparable(_temp.Combine("host", "results.json")), Comparable(_temp.Combine("container", "results.json")));
        var containerRun = Assert.Single(JsonDocument.Parse(File.ReadAllBytes(_temp.Combine("container", "results.json"))).RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(image.Cases.Count, containerRun.GetProperty("cases").GetArrayLength());
    }

    private static UnixFileMode? UnixFileModeOf(string path) => File.Exists(path) && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(path) : null;

    private static int RunOnHost(string vmspec, string[] arguments)
    {
        var start = new ProcessStartInfo(vmspec) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>
    /// Per host run and case: name, status and every check — without durations (timings differ by nature) and
    /// without skip reasons, whose wording depends on what the process can see (a container has no /dev/kmsg).
    /// </summary>
    private static IReadOnlyList<string> Comparable(string resultsJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(resultsJson));
        return document.RootElement.GetProperty("runs").EnumerateArray().SelectMany(run => run.GetProperty("cases").EnumerateArray().Select(c =>
        {
            var status = c.GetProperty("status").GetString();
            var checks = c.GetProperty("checks").EnumerateArray().Select(k => status == "skipped"
                ? $"{k.GetProperty("name").GetString()}:{k.GetProperty("status").GetString()}"
                : $"{k.GetProperty("name").GetString()}:{k.GetProperty("status").GetString()}:{k.GetProperty("expected").GetString()}:{k.GetProperty("observed").GetString()}");
            return $"{run.GetProperty("host").GetProperty("name").GetString()} {c.GetProperty("name").GetString()} {status} [{string.Join("; ", checks)}] {c.GetProperty("asyncPf")}";
        })).ToList();
    }
}
