using System.Diagnostics;
using System.Text;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Syntax;

/// <summary>Hostile input ends quickly with a diagnostic, never a hang, a blow-up or an exception.</summary>
public sealed class LimitsTests
{
    private static CompileResult CompileQuickly(string text)
    {
        var watch = Stopwatch.StartNew();
        var result = Specs.Compile(text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Empty(result.Cases);
        return result;
    }

    [Fact]
    public void Alias_bomb_is_stopped_by_the_node_limit()
    {
        var text = new StringBuilder("apiVersion: vmspec.dev/v1\nkind: VmSpec\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
            text.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");

        var diagnostic = Assert.Single(CompileQuickly(text.ToString()).Diagnostics);

        Assert.Contains("YAML nodes (aliases count as expanded)", diagnostic.Message);
    }

    [Fact]
    public void Matrix_reference_bomb_is_stopped_by_the_expanded_size_limit()
    {
        // Each axis value is large; referencing it many times must not multiply work unboundedly.
        var big = string.Join(", ", Enumerable.Range(0, 5000).Select(i => $"k{i}: {i}"));
        var refs = string.Join("\n", Enumerable.Range(0, 200).Select(i => $"  r{i}: ${{{{ matrix.v }}}}"));
        var text = $"apiVersion: vmspec.dev/v1\nkind: VmSpec\nmatrix:\n  axes:\n    v:\n      one: {{ {big} }}\nmetadata:\n{refs}\n";

        var result = CompileQuickly(text);

        Assert.Contains(result.Diagnostics, d => d.Message.Contains("expands to more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Deep_nesting_is_rejected()
    {
        var text = "apiVersion: vmspec.dev/v1\nkind: VmSpec\nx: " + new string('[', 500) + new string(']', 500) + "\n";

        Assert.Contains("nesting deeper than", Assert.Single(CompileQuickly(text).Diagnostics).Message);
    }

    [Fact]
    public void Oversized_file_is_rejected_before_parsing()
    {
        var text = "apiVersion: vmspec.dev/v1\n#" + new string('x', 2 * 1024 * 1024) + "\n";

        Assert.Contains("byte limit", Assert.Single(CompileQuickly(text).Diagnostics).Message);
    }

    [Fact]
    public void Huge_matrix_is_rejected()
    {
        var axis = "[" + string.Join(", ", Enumerable.Range(0, 100)) + "]";
        var text = Specs.Minimal.Replace("  name: t", $"  name: t\nmatrix:\n  axes:\n    a: {axis}\n    b: {axis}\n");

        Assert.Contains("more than 4096 cases", Assert.Single(CompileQuickly(text).Diagnostics).Message);
    }

    [Fact]
    public void Several_documents_and_tags_are_rejected()
    {
        Assert.Contains("exactly one YAML document", Assert.Single(CompileQuickly(Specs.Minimal + "\n---\na: 1\n").Diagnostics).Message);
        Assert.Contains("tags are not supported", Assert.Single(CompileQuickly("apiVersion: !!str vmspec.dev/v1\n").Diagnostics).Message);
    }
}
