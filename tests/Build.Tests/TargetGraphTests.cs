using Vmspec.Build.Framework;

namespace Vmspec.Build.Tests;

public class TargetGraphTests
{
    private static IEnumerable<string> Plan(string[] requested, string[]? skipped = null) =>
        TargetGraph.Discover(new SampleBuild()).Plan(requested, skipped ?? []).Select(t => t.Name);

    [Fact]
    public void DiscoversEveryTargetProperty() =>
        Assert.Equal(["All", "Clean", "Compile", "Pack", "Restore", "Test"],
            TargetGraph.Discover(new SampleBuild()).All.Select(t => t.Name));

    [Fact]
    public void DependenciesComeFirstAndEachTargetRunsOnce() =>
        Assert.Equal(["Restore", "Compile", "Test", "Clean", "Pack", "All"], Plan(["All"]));

    [Fact]
    public void TargetNamesAreCaseInsensitive() =>
        Assert.Equal(["Restore", "Compile"], Plan(["compile"]));

    [Fact]
    public void SkippedTargetIsLeftOutButItsDependenciesStay() =>
        Assert.Equal(["Restore", "Test"], Plan(["Test"], ["Compile"]));

    [Fact]
    public void UnknownTargetNamesTheKnownOnes()
    {
        var error = Assert.Throws<BuildException>(() => Plan(["Deploy"]).ToList());
        Assert.Contains("Unknown target 'Deploy'", error.Message);
        Assert.Contains("Compile", error.Message);
    }

    [Fact]
    public void CycleIsReportedWithItsPath()
    {
        var graph = TargetGraph.Discover(new CyclicBuild());
        var error = Assert.Throws<BuildException>(() => graph.Plan(["A"], []));
        Assert.Equal("Dependency cycle: A -> B -> C -> A", error.Message);
    }

    [Fact]
    public void DescriptionIsKept() =>
        Assert.Equal("Remove outputs", TargetGraph.Discover(new SampleBuild()).Get("Clean").Text);
}
