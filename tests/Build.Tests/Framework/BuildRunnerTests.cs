using Vmspec.Build.Framework;

namespace Vmspec.Build.Tests.Framework;

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
    public void Runs_the_default_target_with_its_dependencies()
    {
        var (exitCode, output, build) = Run([]);
        Assert.Equal(0, exitCode);
        Assert.Equal(["Restore", "Compile"], build.Executed);
        Assert.Contains("Build succeeded", output);
    }

    [Fact]
    public void Runs_several_requested_targets_in_dependency_order()
    {
        var (exitCode, _, build) = Run(["Pack", "Test"]);
        Assert.Equal(0, exitCode);
        Assert.Equal(["Restore", "Compile", "Clean", "Pack", "Test"], build.Executed);
    }

    [Fact]
    public void Skip_without_names_skips_every_dependency()
    {
        var (_, _, build) = Run(["Test", "--skip"]);
        Assert.Equal(["Test"], build.Executed);
    }

    [Fact]
    public void Skip_with_names_skips_only_those()
    {
        var (_, _, build) = Run(["Pack", "--skip", "Clean", "Restore"]);
        Assert.Equal(["Compile", "Pack"], build.Executed);
    }

    [Fact]
    public void Plan_prints_the_order_and_runs_nothing()
    {
        var (exitCode, output, build) = Run(["Test", "--plan"]);
        Assert.Equal(0, exitCode);
        Assert.Empty(build.Executed);
        Assert.Contains("1. Restore", output);
        Assert.Contains("3. Test", output);
    }

    [Fact]
    public void Help_lists_targets_dependencies_and_parameters()
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
    public void A_failure_stops_the_build_and_later_targets_do_not_run()
    {
        var (exitCode, output, build) = Run(["Test"], failIn: "Compile");
        Assert.Equal(1, exitCode);
        Assert.Equal(["Restore"], build.Executed);
        Assert.Contains("Compile: Compile broke", output);
        Assert.Matches(@"Test\s+NotRun", output);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var (exitCode, output, _) = Run(["--frobnicate"]);
        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown option '--frobnicate'", output);
    }

    [Fact]
    public void Flag_sets_a_parameter()
    {
        var (_, _, build) = Run(["--greeting", "hi", "--count", "3"]);
        Assert.Equal("hi", build.Greeting);
        Assert.Equal(3, build.Count);
    }

    [Fact]
    public void Inline_flag_value_sets_a_parameter()
    {
        var (_, _, build) = Run(["--greeting=hey"]);
        Assert.Equal("hey", build.Greeting);
    }

    [Fact]
    public void Environment_sets_a_parameter_and_the_flag_wins()
    {
        var environment = new Dictionary<string, string> { ["GREETING"] = "from-env", ["COUNT"] = "7" };
        Assert.Equal("from-env", Run([], environment).Build.Greeting);
        Assert.Equal(7, Run([], environment).Build.Count);
        Assert.Equal("from-flag", Run(["--greeting", "from-flag"], environment).Build.Greeting);
    }

    [Fact]
    public void Bool_switch_needs_no_value_but_accepts_one()
    {
        Assert.True(Run(["--fast"]).Build.Fast);
        Assert.True(Run(["--fast", "Test"]).Build.Fast);
        Assert.Contains("Test", Run(["--fast", "Test"]).Build.Executed);
        Assert.False(Run(["--fast", "false"]).Build.Fast);
        Assert.True(Run([], new Dictionary<string, string> { ["FAST"] = "1" }).Build.Fast);
    }

    [Fact]
    public void Bad_number_is_a_usage_error_naming_the_flag()
    {
        var (exitCode, output, _) = Run(["--count", "many"]);
        Assert.Equal(2, exitCode);
        Assert.Contains("--count expects a whole number, got 'many'", output);
    }

    [Fact]
    public void Missing_value_is_a_usage_error()
    {
        var (exitCode, output, _) = Run(["--greeting"]);
        Assert.Equal(2, exitCode);
        Assert.Contains("--greeting needs a value", output);
    }
}
