using Vmspec.Cli.Tests.Support;

namespace Vmspec.Cli.Tests.Commands;

/// <summary>CI tells "nothing ran" from "all passed" by the exit code, not by parsing text.</summary>
public sealed class ExitCodeTests
{
    private const int NothingRan = 4;

    [Fact]
    public async Task Run_exits_nothing_ran_when_every_case_was_skipped()
    {
        var run = await CliProcess.RunAsync(["run", "specs/minimal.yaml"], CliProcess.WithoutKvm);

        Assert.True(run.ExitCode == NothingRan, run.ToString());
        Assert.Contains("0 passed, 0 failed, 1 skipped", run.Stdout);
        Assert.Contains("nothing ran", run.Stderr);
    }

    [Fact]
    public async Task Verify_exits_nothing_ran_when_every_case_was_skipped()
    {
        var run = await CliProcess.RunAsync(["verify", "specs/minimal.yaml", "--host", "native"], CliProcess.WithoutKvm);

        Assert.True(run.ExitCode == NothingRan, run.ToString());
        Assert.Contains("0 passed, 0 failed, 1 skipped", run.Stdout);
    }

    [Fact]
    public async Task Allow_nothing_ran_accepts_it()
    {
        var run = await CliProcess.RunAsync(["verify", "specs/minimal.yaml", "--host", "native", "--allow-nothing-ran"], CliProcess.WithoutKvm);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Help_documents_every_exit_code()
    {
        var help = await CliProcess.RunAsync(["verify", "--help"]);

        foreach (var code in new[] { 0, 1, 2, 3, 4, 124, 125, 130 })
            Assert.Matches($@"(?m)^\s+{code}\s+\w", help.Stdout);
        Assert.Contains("--allow-nothing-ran", help.Stdout);
    }
}
