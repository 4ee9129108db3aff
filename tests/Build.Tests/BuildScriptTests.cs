using System.Diagnostics;
using Vmspec.Images;
using Vmspec.TestSupport;

namespace Vmspec.Build.Tests;

/// <summary>./build.sh as a new user meets it: the first call builds the build project.</summary>
public sealed class BuildScriptTests : IDisposable
{
    private readonly TempDirectory _scratch = new("vmspec-build-sh-");

    public void Dispose() => _scratch.Dispose();

    /// <summary>
    /// build.sh in a scratch checkout with a stand-in <c>dotnet</c> that announces the build project's compile:
    /// what build.sh prints must come before it, so the user sees progress from the first second.
    /// </summary>
    [Fact]
    public void First_run_says_what_it_does_before_the_build_project_compiles()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("build.sh is a bash script");
            return;
        }
        File.Copy(Path.Combine(TestRepository.Root, "build.sh"), Path.Combine(_scratch.Path, "build.sh"));
        var bin = Directory.CreateDirectory(Path.Combine(_scratch.Path, "fake-bin")).FullName;
        var dotnet = Path.Combine(bin, "dotnet");
        File.WriteAllText(dotnet, """
            #!/usr/bin/env bash
            if [ "$1" = build ]; then
              echo "FAKE: compiling the build project"
              while [ $# -gt 0 ]; do [ "$1" = -o ] && mkdir -p "$2" && touch "$2/_build.dll"; shift; done
            else
              echo "FAKE: runner $*"
            fi
            """);
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var lines = RunMerged("bash", ["-c", "./build.sh --help 2>&1"], _scratch.Path, ("PATH", $"{bin}:{Environment.GetEnvironmentVariable("PATH")}"));

        var compile = lines.FindIndex(l => l.StartsWith("FAKE: compiling", StringComparison.Ordinal));
        Assert.True(compile > 0, string.Join('\n', lines));
        Assert.Contains("build project", lines[0]);
        Assert.Contains("FAKE: runner", lines[^1]);
    }

    [Fact]
    public void Help_names_the_one_Docker_socket_default()
    {
        var lines = RunMerged("dotnet", [Path.Combine(AppContext.BaseDirectory, "_build.dll"), "--help"], TestRepository.Root);

        var dockerHost = Assert.Single(lines, l => l.Contains("--docker-host", StringComparison.Ordinal));
        Assert.Contains(DockerEndpoint.DefaultHost, dockerHost);
        Assert.DoesNotContain("/var/run/docker.sock", string.Join('\n', lines));
    }

    private static List<string> RunMerged(string file, string[] arguments, string directory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
