using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Composition;

public sealed class ExtendsTests
{
    private const string Base = """
        apiVersion: vmspec.dev/v1
        kind: VmSpecBase
        machine:
          memory: 4MiB
          vcpus: 2
        metadata:
          labels: { team: kvm, tier: base }
        timeout: 3s
        """;

    [Fact]
    public void Child_deep_merges_over_its_base_and_wins()
    {
        using var files = new TestFiles();
        files.Write("base/b.yaml", Base);
        var leaf = files.Write("specs/leaf.yaml", """
            apiVersion: vmspec.dev/v1
            kind: VmSpec
            extends: ../base/b.yaml
            metadata:
              name: leaf
              labels: { tier: leaf }
            machine:
              vcpus: 1
            guest:
              test: { program: minimal }
            """);

        var result = SpecCompilation.CompileFile(leaf);

        Assert.True(result.Succeeded, Specs.Errors(result));
        var plan = Assert.Single(result.Cases).Plan;
        Assert.Equal(4UL << 20, plan.Machine.MemoryBytes);
        Assert.Equal(1U, plan.Machine.Vcpus);
        Assert.Equal(3000UL, plan.TimeoutMs);
        Assert.Equal([new("team", "kvm"), new KeyValuePair<string, string>("tier", "leaf")], plan.Spec.Labels);
    }

    [Fact]
    public void Cycle_is_an_error_at_the_extends_that_closes_it()
    {
        using var files = new TestFiles();
        files.Write("a.yaml", "apiVersion: vmspec.dev/v1\nkind: VmSpecBase\nextends: b.yaml\n");
        files.Write("b.yaml", "apiVersion: vmspec.dev/v1\nkind: VmSpecBase\nextends: a.yaml\n");
        var leaf = files.Write("leaf.yaml", "apiVersion: vmspec.dev/v1\nkind: VmSpec\nextends: a.yaml\n");

        var diagnostic = Assert.Single(SpecCompilation.CompileFile(leaf).Diagnostics);

        Assert.EndsWith("b.yaml", diagnostic.Location.File);
        Assert.Equal((3, 10), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("extends cycle", diagnostic.Message);
    }

    [Fact]
    public void Missing_base_is_reported_where_it_is_named()
    {
        using var files = new TestFiles();
        var leaf = files.Write("leaf.yaml", "apiVersion: vmspec.dev/v1\nkind: VmSpec\nextends: nope.yaml\n");

        var diagnostic = Assert.Single(SpecCompilation.CompileFile(leaf).Diagnostics);

        Assert.Equal("extends", diagnostic.FieldPath);
        Assert.Equal((3, 10), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("does not exist", diagnostic.Message);
    }

    [Fact]
    public void Errors_in_a_base_point_into_the_base_file()
    {
        using var files = new TestFiles();
        files.Write("b.yaml", Base.Replace("vcpus: 2", "vcpus: 200"));
        var leaf = files.Write("leaf.yaml", "apiVersion: vmspec.dev/v1\nkind: VmSpec\nextends: b.yaml\nmetadata: { name: x }\nguest: { test: { program: minimal } }\n");

        var diagnostic = Assert.Single(SpecCompilation.CompileFile(leaf).Diagnostics);

        Assert.EndsWith("b.yaml", diagnostic.Location.File);
        Assert.Equal("machine.vcpus", diagnostic.FieldPath);
        Assert.Equal(5, diagnostic.Location.Line);
    }

    [Fact]
    public void A_base_alone_yields_no_cases_and_no_errors()
    {
        using var files = new TestFiles();
        var result = SpecCompilation.CompileFile(files.Write("b.yaml", Base));

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Empty(result.Cases);
    }

    [Fact]
    public void Kernel_path_from_a_base_is_rewritten_relative_to_the_leaf()
    {
        using var files = new TestFiles();
        var hash = new string('a', 64);
        files.Write("bases/linux.yaml", $"""
            apiVersion: vmspec.dev/v1
            kind: VmSpecBase
            guest:
              linux:
                kernel: {"{"} path: kernels/vmlinuz, sha256: {hash} {"}"}
                cmdline: console=ttyS0
            """);
        var leaf = files.Write("suite/boot.yaml", "apiVersion: vmspec.dev/v1\nkind: VmSpec\nextends: ../bases/linux.yaml\nmetadata: { name: boot }\nmachine: { memory: 64MiB }\n");

        var result = SpecCompilation.CompileFile(leaf);

        Assert.True(result.Succeeded, Specs.Errors(result));
        var guest = Assert.IsType<Plans.LinuxGuestPlan>(Assert.Single(result.Cases).Plan.Guest);
        Assert.Equal(new Plans.FileReference("../bases/kernels/vmlinuz", hash), guest.Kernel);
        Assert.Equal("console=ttyS0", guest.Cmdline);
    }

    [Fact]
    public void A_base_of_another_language_version_is_rejected()
    {
        using var files = new TestFiles();
        files.Write("b.yaml", Base.Replace("vmspec.dev/v1", "vmspec.dev/v2"));
        var leaf = files.Write("leaf.yaml", "apiVersion: vmspec.dev/v1\nkind: VmSpec\nextends: b.yaml\nmetadata: { name: x }\nguest: { test: { program: minimal } }\n");

        var diagnostic = Assert.Single(SpecCompilation.CompileFile(leaf).Diagnostics);

        Assert.EndsWith("b.yaml:1:13: error: apiVersion: expected vmspec.dev/v1, found 'vmspec.dev/v2'", diagnostic.ToString());
    }
}
