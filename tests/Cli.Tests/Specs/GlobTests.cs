using Vmspec.Cli.Specs;
using Vmspec.TestSupport;

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
    public void Matches_like_a_shell(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Glob.Matches(pattern, text));

    [Fact]
    public void Select_keeps_only_matching_cases_and_everything_without_a_glob()
    {
        var compiled = SpecInputs.Compile([TestRepository.Specs]);
        Assert.True(compiled.Succeeded, string.Join('\n', compiled.Diagnostics));
        Assert.Equal(compiled.Cases.Count, SpecInputs.Select(compiled.Cases, null).Count);
        var faults = SpecInputs.Select(compiled.Cases, "faults*");
        Assert.Equal(5, faults.Count);
        Assert.All(faults, c => Assert.StartsWith("faults[", c.Name));
    }

    [Fact]
    public void A_missing_path_is_a_diagnostic_not_an_exception()
    {
        var result = SpecInputs.Compile(["/nonexistent/spec.yaml"]);
        Assert.False(result.Succeeded);
        Assert.Contains("no such file or directory", result.Diagnostics[0].ToString());
    }

    [Fact]
    public void Naming_a_spec_twice_runs_its_cases_once()
    {
        var once = SpecInputs.Compile([TestRepository.Specs]);
        var twice = SpecInputs.Compile([TestRepository.Specs, Path.Combine(TestRepository.Specs, "asyncpf")]);
        Assert.True(twice.Succeeded, string.Join('\n', twice.Diagnostics));
        Assert.Equal(once.Cases.Select(c => c.Name), twice.Cases.Select(c => c.Name));
    }

    [Fact]
    public void Two_specs_with_one_case_name_are_an_error()
    {
        using var directory = new TempDirectory("vmspec-cli-");
        // The same spec (and the base it extends) in another directory: a second source of 'minimal'.
        var copy = Path.Combine(directory.Path, "minimal.yaml");
        File.Copy(Path.Combine(TestRepository.Specs, "minimal.yaml"), copy);
        Directory.CreateDirectory(Path.Combine(directory.Path, "base"));
        File.Copy(Path.Combine(TestRepository.Specs, "base", "machine.yaml"), Path.Combine(directory.Path, "base", "machine.yaml"));
        var result = SpecInputs.Compile([Path.Combine(TestRepository.Specs, "minimal.yaml"), copy]);
        Assert.False(result.Succeeded);
        Assert.Contains("case 'minimal' is also produced by", result.Diagnostics.Single().ToString());
        Assert.Empty(result.Cases);
    }
}
