using Vmspec.Cli.Specs;

namespace Vmspec.Cli.Tests.Specs;

public class GlobTests
{
    [Theory]
    [InlineData("faults*", "faults[variant=delivered]", true)]
    [InlineData("*enforced*", "enable-protocol[en=zero,enforcement=enforced,features=all]", true)]
    [InlineData("minimal", "minimal", true)]
    [InlineData("minimal", "minimal2", false)]
    [InlineData("m?nimal", "minimal", true)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("faults[*", "faults[variant=cpl0]", true)]
    public void MatchesLikeAShell(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Glob.Matches(pattern, text));

    [Fact]
    public void SelectKeepsOnlyMatchingCasesAndEverythingWithoutAGlob()
    {
        var compiled = SpecInputs.Compile([RepositoryPaths.Specs]);
        Assert.True(compiled.Succeeded, string.Join('\n', compiled.Diagnostics));
        Assert.Equal(compiled.Cases.Count, SpecInputs.Select(compiled.Cases, null).Count);
        var faults = SpecInputs.Select(compiled.Cases, "faults*");
        Assert.Equal(5, faults.Count);
        Assert.All(faults, c => Assert.StartsWith("faults[", c.Name));
    }

    [Fact]
    public void AMissingPathIsADiagnosticNotAnException()
    {
        var result = SpecInputs.Compile(["/nonexistent/spec.yaml"]);
        Assert.False(result.Succeeded);
        Assert.Contains("no such file or directory", result.Diagnostics[0].ToString());
    }
}
