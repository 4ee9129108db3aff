using System.Diagnostics;
using System.Text.Json;
using Vmspec.Images.Tests.Support;
using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests;

/// <summary>
/// The checked-in image with the real NativeAOT vmspec (./build.sh Test publishes it first): it loads,
/// runs, and its results equal a host run of the same specs, case by case and check by check.
/// </summary>
[Collection(DockerEngine.Collection)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // device modes and groups
public sealed class RealImageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Verification_image_results_equal_a_host_run_of_the_same_specs()
    {
        var root = TestRepository.Root;
        var vmspec = Path.Combine(root, "artifacts", "bin", "vmspec");
        if (!File.Exists(vmspec))
            Assert.Skip($"{vmspec} does not exist: run ./build.sh Publish (./build.sh Test does)");
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        if (DeviceClosedToTheContainerUser() is { } closed)
            Assert.Skip(closed);
        var compiled = ImageCompilation.CompileDirectory(Path.Combine(root, "images"), root);
        Assert.True(compiled.Succeeded, string.Join('\n', compiled.Diagnostics));
        var image = Assert.Single(compiled.Images, i => i.Name == "vmspec-verify");
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
        var inContainer = Comparable(_temp.Combine("container", "results.json"));
        // Host-side trace evidence needs tracefs, which an unprivileged container cannot see: those checks skip there
        // with that reason, and only those, and are left out of the comparison.
        var withoutTracefs = inContainer.Where(c => c.Skipped && c.Observed.Contains("tracefs", StringComparison.Ordinal)).ToList();
        Assert.All(withoutTracefs, c => Assert.StartsWith("trace:", c.Check, StringComparison.Ordinal));
        var onHost = Comparable(_temp.Combine("host", "results.json"))
            .Where(c => !withoutTracefs.Any(t => t.Case == c.Case && t.Check == c.Check)).Select(c => c.Text);
        Assert.Equal(onHost, inContainer.Except(withoutTracefs).Select(c => c.Text));
        var containerRun = Assert.Single(JsonDocument.Parse(File.ReadAllBytes(_temp.Combine("container", "results.json"))).RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(image.Cases.Count, containerRun.GetProperty("cases").GetArrayLength());
    }

    /// <summary>
    /// Why the image's non-root user could not open a device the host run uses, or null. It opens a device only through
    /// the device's group (group root is never joined), so the container's KVM or fault cases would fail or skip where the
    /// host's pass. The userfaultfd syscall is refused by the engine's seccomp profile: /dev/userfaultfd is the only way in.
    /// </summary>
    private static string? DeviceClosedToTheContainerUser()
    {
        foreach (var device in HostDevice.ProbeVerifierDevices())
        {
            var mode = File.GetUnixFileMode(device.Path);
            if (device.GroupId == 0 || !mode.HasFlag(UnixFileMode.GroupRead | UnixFileMode.GroupWrite))
                return $"{device.Path} is mode {Convert.ToString((int)mode, 8)}, group {device.GroupId}: the image's non-root user, who joins "
                    + $"the device's group, cannot open it (give it a group with rw, as Debian's udev rule does for /dev/kvm: chgrp kvm {device.Path} && chmod 0660 {device.Path})";
        }
        return null;
    }

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
    /// Per case and check: name and status, and for what was not skipped, the expected and observed text and the
    /// async #PF counts — without durations and figures (timings differ by nature) and without skip reasons, whose
    /// wording depends on what the process can see (a container has no /dev/kmsg, no tracefs).
    /// </summary>
    private static IReadOnlyList<ComparableCheck> Comparable(string resultsJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(resultsJson));
        return document.RootElement.GetProperty("runs").EnumerateArray().SelectMany(run => run.GetProperty("cases").EnumerateArray().SelectMany(c =>
        {
            var caseKey = $"{run.GetProperty("host").GetProperty("name").GetString()} {c.GetProperty("name").GetString()} {c.GetProperty("status").GetString()}";
            var caseSkipped = c.GetProperty("status").GetString() == "skipped";
            var counts = c.GetProperty("asyncPf").ToString();
            return c.GetProperty("checks").EnumerateArray().Select(k =>
            {
                var name = k.GetProperty("name").GetString()!;
                var status = k.GetProperty("status").GetString()!;
                var observed = k.GetProperty("observed").GetString()!;
                var skipped = caseSkipped || status == "skipped";
                var text = skipped ? $"{caseKey} | {name}: {status}"
                    : $"{caseKey} {counts} | {name}: {status}: {k.GetProperty("expected").GetString()}: {observed}";
                return new ComparableCheck(caseKey, name, skipped, observed, text);
            }).DefaultIfEmpty(new ComparableCheck(caseKey, "", caseSkipped, "", $"{caseKey} {counts} | no checks"));
        })).ToList();
    }

    private sealed record ComparableCheck(string Case, string Check, bool Skipped, string Observed, string Text);
}
