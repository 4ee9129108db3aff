using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Syntax;

/// <summary>Malformed YAML is reported where the fault is, in a spec author's words.</summary>
public sealed class YamlErrorTests
{
    private static SpecCompiler.Diagnostics.Diagnostic OnlyError(string text)
    {
        var result = Specs.Compile(text);
        Assert.Empty(result.Cases);
        return Assert.Single(result.Diagnostics);
    }

    private static void AssertReadable(string message)
    {
        Assert.DoesNotContain("Operation is not valid", message);
        Assert.DoesNotContain("While scanning", message);
        Assert.DoesNotContain("While parsing", message);
    }

    [Fact]
    public void Tab_indentation_is_reported_at_the_tab()
    {
        var error = OnlyError(Specs.Minimal.Replace("  memory: 8MiB", "\tmemory: 8MiB"));

        Assert.Equal("spec.yaml:6:1", error.Location.ToString());
        Assert.Contains("tab", error.Message);
        Assert.Contains("indent with spaces", error.Message);
        AssertReadable(error.Message);
    }

    [Fact]
    public void Unclosed_flow_sequence_followed_by_a_key_is_reported_at_its_bracket()
    {
        var error = OnlyError("apiVersion: vmspec.dev/v1\nkind: VmSpec\nmetadata:\n  labels: [a, b\nmachine: {}\n");

        Assert.Equal("spec.yaml:4:11", error.Location.ToString());
        Assert.Contains("'[' is never closed", error.Message);
        AssertReadable(error.Message);
    }

    [Fact]
    public void Unclosed_flow_sequence_at_the_end_is_reported_at_its_bracket()
    {
        var error = OnlyError("apiVersion: vmspec.dev/v1\nkind: [VmSpec\n");

        Assert.Equal("spec.yaml:2:7", error.Location.ToString());
        Assert.Contains("'[' is never closed", error.Message);
    }

    [Fact]
    public void Unclosed_flow_sequence_in_a_list_item_is_reported_at_its_bracket()
    {
        var error = OnlyError("apiVersion: vmspec.dev/v1\nitems:\n  - [1,\n");

        Assert.Equal("spec.yaml:3:5", error.Location.ToString());
        Assert.Contains("'[' is never closed", error.Message);
    }

    [Fact]
    public void Unclosed_flow_mapping_is_reported_at_its_brace()
    {
        var error = OnlyError("apiVersion: vmspec.dev/v1\nmachine: { memory: 8MiB\n");

        Assert.Equal("spec.yaml:2:10", error.Location.ToString());
        Assert.Contains("'{' is never closed", error.Message);
    }

    [Fact]
    public void Unclosed_quote_is_reported_at_the_quote_in_plain_words()
    {
        var error = OnlyError("apiVersion: vmspec.dev/v1\nkind: \"VmSpec\n");

        Assert.Equal("spec.yaml:2:7", error.Location.ToString());
        Assert.Contains("quoted string is never closed", error.Message);
        AssertReadable(error.Message);
    }

    [Fact]
    public void Misindented_key_is_reported_in_plain_words()
    {
        var error = OnlyError("apiVersion: vmspec.dev/v1\n kind: VmSpec\n");

        Assert.Equal("spec.yaml:2:6", error.Location.ToString());
        Assert.Contains("indentation", error.Message);
        AssertReadable(error.Message);
        Assert.DoesNotContain("<document end>", error.Message);
    }

    [Fact]
    public void Character_that_starts_no_token_is_named()
    {
        var error = OnlyError("apiVersion: vmspec.dev/v1\nkind: @VmSpec\n");

        Assert.Equal("spec.yaml:2:7", error.Location.ToString());
        Assert.Contains("'@'", error.Message);
        AssertReadable(error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_refused_at_its_line_and_column()
    {
        using var files = new TestFiles();
        var path = files.Write("spec.yaml", "");
        File.WriteAllBytes(path, [.. "apiVersion: vmspec.dev/v1\nkind: VmSpec\nmetadata:\n  name: \u00e9x"u8, 0xff, 0xfe, .. "\n"u8]);

        var error = Assert.Single(SpecCompilation.CompileFile(path).Diagnostics);

        Assert.Equal($"{path}:4:11", error.Location.ToString());
        Assert.Contains("not valid UTF-8", error.Message);
        Assert.Contains("0xFF", error.Message);
    }

    [Fact]
    public void Invalid_utf8_in_a_base_is_refused_in_the_base()
    {
        using var files = new TestFiles();
        var basePath = files.Write("base.yaml", "");
        File.WriteAllBytes(basePath, [.. "apiVersion: vmspec.dev/v1\nkind: VmSpec\n# caf"u8, 0xe9, .. "\n"u8]);
        var leaf = files.Write("leaf.yaml", Specs.Minimal + "\nextends: base.yaml\n");

        var error = Assert.Single(SpecCompilation.CompileFile(leaf).Diagnostics);

        Assert.Equal($"{basePath}:3:6", error.Location.ToString());
        Assert.Contains("not valid UTF-8", error.Message);
    }

    [Fact]
    public void Byte_order_mark_is_accepted()
    {
        using var files = new TestFiles();
        var path = files.Write("spec.yaml", "");
        File.WriteAllBytes(path, [0xef, 0xbb, 0xbf, .. System.Text.Encoding.UTF8.GetBytes(Specs.Minimal)]);

        var result = SpecCompilation.CompileFile(path);

        Assert.True(result.Succeeded, Specs.Errors(result));
    }
}
