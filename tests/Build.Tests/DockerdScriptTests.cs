using System.Diagnostics;
using Vmspec.TestSupport;

namespace Vmspec.Build.Tests;

/// <summary><c>.ci/dockerd.sh stop</c> leaves nothing of the private engine behind under its run directory.</summary>
public sealed class DockerdScriptTests : IDisposable
{
    private readonly TempDirectory _run = new("vmspec-dockerd-run-");

    public void Dispose() => _run.Dispose();

    [Fact]
    public void Stop_removes_everything_the_engine_created()
    {
        var data = Directory.CreateDirectory(Path.Combine(_run.Path, "vmspec-docker", "overlay2", "layer")).FullName;
        File.WriteAllText(Path.Combine(data, "file"), "layer content");
        Directory.CreateDirectory(Path.Combine(_run.Path, "vmspec-docker-exec", "containerd"));
        File.WriteAllText(Path.Combine(_run.Path, "vmspec-dockerd.pid"), "");
        File.WriteAllText(Path.Combine(_run.Path, "vmspec-dockerd.log"), "dockerd log\n");
        var socket = Path.Combine(_run.Path, "engine.sock");
        File.WriteAllText(socket, "");
        File.WriteAllText(Path.Combine(_run.Path, "unrelated"), "not the engine's");

        var start = new ProcessStartInfo("bash") { WorkingDirectory = TestRepository.Root, RedirectStandardError = true };
        foreach (var argument in (string[])[".ci/dockerd.sh", "stop"])
            start.ArgumentList.Add(argument);
        start.Environment["VMSPEC_DOCKER_RUN_DIR"] = _run.Path;
        start.Environment["VMSPEC_DOCKER_SOCKET"] = socket;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal(["unrelated"], new DirectoryInfo(_run.Path).EnumerateFileSystemInfos().Select(f => f.Name));
    }
}
