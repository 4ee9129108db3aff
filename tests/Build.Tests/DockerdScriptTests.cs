using System.Diagnostics;
using Vmspec.TestSupport;

namespace Vmspec.Build.Tests;

/// <summary><c>.ci/dockerd.sh stop</c> leaves nothing of the private engine behind under its run directory.</summary>
public sealed class DockerdScriptTests : IDisposable
{
    private readonly DirectoryInfo _run = Directory.CreateTempSubdirectory("vmspec-dockerd-run-");

    public void Dispose() => _run.Delete(recursive: true);

    [Fact]
    public void Stop_removes_everything_the_engine_created()
    {
        var data = Directory.CreateDirectory(Path.Combine(_run.FullName, "vmspec-docker", "overlay2", "layer")).FullName;
        File.WriteAllText(Path.Combine(data, "file"), "layer content");
        Directory.CreateDirectory(Path.Combine(_run.FullName, "vmspec-docker-exec", "containerd"));
        File.WriteAllText(Path.Combine(_run.FullName, "vmspec-dockerd.pid"), "");
        File.WriteAllText(Path.Combine(_run.FullName, "vmspec-dockerd.log"), "dockerd log\n");
        var socket = Path.Combine(_run.FullName, "engine.sock");
        File.WriteAllText(socket, "");
        File.WriteAllText(Path.Combine(_run.FullName, "unrelated"), "not the engine's");

        var start = new ProcessStartInfo("bash") { WorkingDirectory = TestRepository.Root, RedirectStandardError = true };
        foreach (var argument in (string[])[".ci/dockerd.sh", "stop"])
            start.ArgumentList.Add(argument);
        start.Environment["VMSPEC_DOCKER_RUN_DIR"] = _run.FullName;
        start.Environment["VMSPEC_DOCKER_SOCKET"] = socket;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal(["unrelated"], _run.EnumerateFileSystemInfos().Select(f => f.Name));
    }
}
