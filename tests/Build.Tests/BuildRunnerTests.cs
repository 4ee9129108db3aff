using Vmspec.Build.Framework;

namespace Vmspec.Build.Tests;

public class BuildRunnerTests
{
    private static (int ExitCode, string Output, SampleBuild Build) Run(string[] args,
        Dictionary<string, string>? environment = null, string failIn = "")
    {
        var build = new SampleBuild { FailIn = failIn };
        var output = new StringWriter();
        var exitCode = BuildRunner.RunAsync(build, args, "Compile", output,
            name => environment?.GetValueOrDefault(name)).GetAwaiter().GetResult();
        return (exitCode, output.ToString(), build);
    }

    [Fact]
    public void RunsTheDefaultTargetWithItsDependencies()
    {
        var (exitCode, output, build) = Run([]);
        Assert.Equal(0, exitCode);
        Assert.Equal(["Restore", "Compile"], build.Executed);
        Assert.Contains("Build succeeded", output);
    }

    [Fact]
    public void RunsSeveralRequestedTargetsInDependencyOrder()
    {
        var (exitCode, _, build) = Run(["Pack", "Test"]);
        Assert.Equal(0, exitCode);
        Assert.Equal(["Restore", "Compile", "Clean", "Pack", "Test"], build.Executed);
    }

    [Fact]
    public void SkipWithoutNamesSkipsEveryDependency()
    {
        var (_, _, build) = Run(["Test", "--skip"]);
        Assert.Equal(["Test"], build.Executed);
    }

    [Fact]
    public void SkipWithNamesSkipsOnlyThose()
    {
        var (_, _, build) = Run(["Pack", "--skip", "Clean", "Restore"]);
        Assert.Equal(["Compile", "Pack"], build.Executed);
    }

    [Fact]
    public void PlanPrintsTheOrderAndRunsNothing()
    {
        var (exitCode, output, build) = Run(["Test", "--plan"]);
        Assert.Equal(0, exitCode);
        Assert.Empty(build.Executed);
        Assert.Contains("1. Restore", output);
        Assert.Contains("3. Test", output);
    }

    [Fact]
    public void HelpListsTargetsDependenciesAndParameters()
    {
        var (exitCode, output, build) = Run(["--help"]);
        Assert.Equal(0, exitCode);
        Assert.Empty(build.Executed);
        Assert.Contains("Compile (default)", output);
        Assert.Contains("[after Compile, Clean]", output);
        Assert.Contains("--greeting", output);
        Assert.Contains("GREETING", output);
        Assert.Contains("(default: hello)", output);
    }

    [Fact]
    public void AFailureStopsTheBuildAndLaterTargetsDoNotRun()
    {
        var (exitCode, output, build) = Run(["Test"], failIn: "Compile");
        Assert.Equal(1, exitCode);
        Assert.Equal(["Restore"], build.Executed);
        Assert.Contains("Compile: Compile broke", output);
        Assert.Matches(@"Test\s+NotRun", output);
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        var (exitCode, output, _) = Run(["--frobnicate"]);
        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown option '--frobnicate'", output);
    }

    [Fact]
    public void FlagSetsAParameter()
    {
        var (_, _, build) = Run(["--greeting", "hi", "--count", "3"]);
        Assert.Equal("hi", build.Greeting);
        Assert.Equal(3, build.Count);
    }

    [Fact]
    public void InlineFlagValueSetsAParameter()
    {
        var (_, _, build) = Run(["--greeting=hey"]);
        Assert.Equal("hey", build.Greeting);
    }

    [Fact]
    public void EnvironmentSetsAParameterAndTheFlagWins()
    {
        var environment = new Dictionary<string, string> { ["GREETING"] = "from-env", ["COUNT"] = "7" };
        Assert.Equal("from-env", Run([], environment).Build.Greeting);
        Assert.Equal(7, Run([], environment).Build.Count);
        Assert.Equal("from-flag", Run(["--greeting", "from-flag"], environment).Build.Greeting);
    }

    [Fact]
    public void BoolSwitchNeedsNoValueButAcceptsOne()
    {
        Assert.True(Run(["--fast"]).Build.Fast);
        Assert.True(Run(["--fast", "Test"]).Build.Fast);
        Assert.Contains("Test", Run(["--fast", "Test"]).Build.Executed);
        Assert.False(Run(["--fast", "false"]).Build.Fast);
        Assert.True(Run([], new Dictionary<string, string> { ["FAST"] = "1" }).Build.Fast);
    }

    [Fact]
    public void BadNumberIsAUsageErrorNamingTheFlag()
    {
        var (exitCode, output, _) = Run(["--count", "many"]);
        Assert.Equal(2, exitCode);
        Assert.Contains("--count expects a whole number, got 'many'", output);
    }

    [Fact]
    public void MissingValueIsAUsageError()
    {
        var (exitCode, output, _) = Run(["--greeting"]);
        Assert.Equal(2, exitCode);
        Assert.Contains("--greeting needs a value", output);
    }
}
