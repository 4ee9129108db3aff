using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Diagnostics;

/// <summary>Each class of error, with the exact position and field path it is reported at.</summary>
public sealed class DiagnosticTests
{
    private static void AssertOnlyError(string text, string expectedPrefix, string messageFragment)
    {
        var result = Specs.Compile(text);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.StartsWith(expectedPrefix, diagnostic.ToString());
        Assert.Contains(messageFragment, diagnostic.Message);
        Assert.Empty(result.Cases);
    }

    private static string Protocol(string from, string to)
    {
        Assert.Contains(from, Specs.Protocol);
        return Specs.Protocol.Replace(from, to);
    }

    [Fact]
    public void Valid_protocol_spec_compiles()
    {
        var result = Specs.Compile(Specs.Protocol);
        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Equal("proto", Assert.Single(result.Cases).Name);
    }

    [Fact]
    public void Diagnostic_renders_file_line_column_field_and_expectation()
    {
        var result = Specs.Compile(Protocol("vector: 0xec", "vector: 0x1ec"));

        Assert.Equal(
            "spec.yaml:12:11: error: asyncPf.vector: expected an integer from 0 to 255 (decimal or 0x hex, unquoted), found '0x1ec'",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void Unknown_key() =>
        AssertOnlyError(Protocol("  memory: 8MiB\n", "  memory: 8MiB\n  cpus: 2\n"),
            "spec.yaml:7:3: error: machine.cpus:", "unknown key; expected one of: memory, vcpus, enforcePvFeatureCpuid");

    [Fact]
    public void Wrong_type() =>
        AssertOnlyError(Protocol("memory: 8MiB", "memory: [1]"), "spec.yaml:6:11: error: machine.memory:", "found a sequence");

    [Fact]
    public void Quoted_number_is_a_string() =>
        AssertOnlyError(Protocol("vector: 0xec", "vector: \"0xec\""), "spec.yaml:12:11: error: asyncPf.vector:", "found string '0xec'");

    [Fact]
    public void Unknown_enum_value() =>
        AssertOnlyError(Protocol("async-pf: set", "async-pf: on"), "spec.yaml:10:15: error: cpuid.kvmFeatures.async-pf:", "one of: set, clear, host");

    [Fact]
    public void Duplicate_key() =>
        AssertOnlyError(Protocol("  memory: 8MiB\n", "  memory: 8MiB\n  memory: 4MiB\n"),
            "spec.yaml:7:3: error: memory:", "duplicate key (first defined at line 6, column 3)");

    [Fact]
    public void Missing_required_key_names_its_field() =>
        AssertOnlyError(Protocol("  memory: 8MiB\n", ""), "spec.yaml:6:3: error: machine.memory:", "missing required key");

    [Fact]
    public void Missing_top_level_key_names_its_field() =>
        AssertOnlyError(Specs.Protocol[..Specs.Protocol.IndexOf("guest:", StringComparison.Ordinal)],
            "spec.yaml:1:1: error: guest:", "missing required key");

    [Fact]
    public void Data_GPA_not_64_byte_aligned() =>
        AssertOnlyError(Protocol("dataGpa: 0x6000", "dataGpa: 0x6008"), "spec.yaml:13:12: error: asyncPf.dataGpa:", "64-byte aligned");

    [Fact]
    public void Data_GPA_outside_memory() =>
        AssertOnlyError(Protocol("dataGpa: 0x6000", "dataGpa: 0x800000"), "spec.yaml:13:12: error: asyncPf.dataGpa:", "inside guest RAM");

    [Fact]
    public void Delivery_as_INT_without_vector() =>
        AssertOnlyError(Protocol("  vector: 0xec\n", "").Replace("{ msr: async-pf-int, op: write }", "{ msr: async-pf-int, op: write, value: 1 }"),
            "spec.yaml:13:7: error: asyncPf.en:", "delivery-as-int needs asyncPf.vector");

    [Fact]
    public void Fault_workload_without_async_pf_enabled()
    {
        var text = Protocol("en: [enabled, delivery-as-int]", "en: [delivery-as-int]\n  workload: { pages: 4 }")
            .Replace("program: msr-protocol", "program: async-pf")
            .Split("    accesses:")[0];

        AssertOnlyError(text, "spec.yaml:15:13: error: asyncPf.workload:", "needs async #PF enabled");
    }

    [Fact]
    public void Read_with_a_value() =>
        AssertOnlyError(Protocol("op: read, readBack: 0x6009", "op: read, value: 1"), "spec.yaml:21:46: error: guest.test.accesses[2].value:", "a read takes no value");

    [Fact]
    public void Unknown_program() =>
        AssertOnlyError(Protocol("program: msr-protocol", "program: memtest"), "spec.yaml:17:14: error: guest.test.program:", "expected one of: minimal, msr-protocol, async-pf");

    [Fact]
    public void Bad_CPUID_bit_pattern() =>
        AssertOnlyError(Protocol("    async-pf: set\n", "    async-pf: set\n  modifiers:\n    - { leaf: 1, ecx: \"x1\" }\n"),
            "spec.yaml:12:23: error: cpuid.modifiers[0].ecx:", "^[01x]{32}$");

    [Fact]
    public void Invalid_YAML_is_reported_at_its_position()
    {
        var result = Specs.Compile("apiVersion: vmspec.dev/v1\nkind: [VmSpec\n");
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((2, 7), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("'[' is never closed", diagnostic.Message);
    }

    [Fact]
    public void All_errors_of_a_file_are_reported_at_once()
    {
        var text = Protocol("memory: 8MiB", "memory: lots")
            .Replace("vector: 0xec", "vector: 300")
            .Replace("op: write }", "op: poke }")
            .Replace("dataGpa: 0x6000", "dataGpa: 0x6001");

        var lines = Specs.Compile(text).Diagnostics.Select(d => (d.Location.Line, d.FieldPath)).ToArray();

        Assert.Equal([(6, "machine.memory"), (12, "asyncPf.vector"), (13, "asyncPf.dataGpa"), (19, "guest.test.accesses[0].op")], lines);
    }
}
