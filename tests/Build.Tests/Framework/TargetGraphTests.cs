using Vmspec.Build.Framework;

namespace Vmspec.Build.Tests.Framework;

public class TargetGraphTests
{
    private static IEnumerable<string> Plan(string[] requested, string[]? skipped = null) =>
        TargetGraph.Discover(new SampleBuild()).Plan(requested, skipped ?? []).Select(t => t.Name);

    [Fact]
    public void Discovers_every_target_property() =>
        Assert.Equal(["All", "Clean", "Compile", "Pack", "Restore", "Test"],
            TargetGraph.Discover(new SampleBuild()).All.Select(t => t.Name));

    [Fact]
    public void Dependencies_come_first_and_each_target_runs_once() =>
        Assert.Equal(["Restore", "Compile", "Test", "Clean", "Pack", "All"], Plan(["All"]));

    [Fact]
    public void Target_names_are_case_insensitive() =>
        Assert.Equal(["Restore", "Compile"], Plan(["compile"]));

    [Fact]
    public void Skipped_target_is_left_out_but_its_dependencies_stay() =>
        Assert.Equal(["Restore", "Test"], Plan(["Test"], ["Compile"]));

    [Fact]
    public void Unknown_target_names_the_known_ones()
    {
        var error = Assert.Throws<BuildException>(() => Plan(["Deploy"]).ToList());
        Assert.Contains("Unknown target 'Deploy'", error.Message);
        Assert.Contains("Compile", error.Message);
    }

    [Fact]
    public void Cycle_is_reported_with_its_path()
    {
        var graph = TargetGraph.Discover(new CyclicBuild());
        var error = Assert.Throws<BuildException>(() => graph.Plan(["A"], []));
        Assert.Equal("Dependency cycle: A -> B -> C -> A", error.Message);
    }

    [Fact]
    public void Description_is_kept() =>
        Assert.Equal("Remove outputs", TargetGraph.Discover(new SampleBuild()).Get("Clean").Text);
}
