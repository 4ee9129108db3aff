using Vmspec.Plans;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Composition;

public sealed class MatrixTests
{
    private static string WithMatrix(string matrix) => Specs.Protocol
        .Replace("enforcePvFeatureCpuid: true", "enforcePvFeatureCpuid: ${{ matrix.enforce }}")
        .Replace("vector: 0xec", "vector: ${{ matrix.vector }}")
        .Replace("  name: proto", "  name: proto\n" + matrix)
        .Replace("readBack: 0x6009", "expect: oracle");

    private const string Axes = """
        matrix:
          axes:
            vector: [0xec, 0x20]
            enforce:
              on: true
              off: false
        """;

    [Fact]
    public void Cases_are_the_product_of_the_axes_named_with_sorted_axes()
    {
        var result = Specs.Compile(WithMatrix(Axes));

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Equal(
            ["proto[enforce=on,vector=0xec]", "proto[enforce=off,vector=0xec]", "proto[enforce=on,vector=0x20]", "proto[enforce=off,vector=0x20]"],
            result.Cases.Select(c => c.Name));
        var last = result.Cases[^1].Plan;
        Assert.False(last.Machine.EnforcePvFeatureCpuid);
        Assert.Equal((byte)0x20, last.AsyncPf!.Vector);
        Assert.Equal(0x20UL, ((TestGuestPlan)last.Guest).Accesses[0].Value);
        Assert.Equal([new("enforce", "off"), new KeyValuePair<string, string>("vector", "0x20")], last.Matrix);
    }

    [Fact]
    public void Exclude_drops_partial_matches_and_include_adds_full_combinations()
    {
        var result = Specs.Compile(WithMatrix(Axes + """

              exclude:
                - { enforce: off }
              include:
                - { enforce: off, vector: 0x20 }
            """));

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Equal(["proto[enforce=on,vector=0xec]", "proto[enforce=on,vector=0x20]", "proto[enforce=off,vector=0x20]"],
            result.Cases.Select(c => c.Name));
    }

    [Fact]
    public void Member_of_a_mapping_value_and_inline_text_are_substituted()
    {
        var text = Specs.Minimal
            .Replace("  name: t", """
                  name: t
                  description: runs with ${{ matrix.size.text }}
                matrix:
                  axes:
                    size:
                      small: { bytes: 4MiB, text: four }
                      large: { bytes: 16MiB, text: sixteen }
                """)
            .Replace("memory: 8MiB", "memory: ${{ matrix.size.bytes }}");

        var result = Specs.Compile(text);

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Equal([4UL << 20, 16UL << 20], result.Cases.Select(c => c.Plan.Machine.MemoryBytes));
        Assert.Equal("runs with sixteen", result.Cases[1].Plan.Spec.Description);
    }

    [Fact]
    public void Unknown_axis_reference_is_an_error_at_the_reference()
    {
        var result = Specs.Compile(Specs.Minimal.Replace("memory: 8MiB", "memory: ${{ matrix.size }}"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("spec.yaml:6:11: error: machine.memory: refers to matrix axis 'size' but the spec declares no matrix", diagnostic.ToString());
    }

    [Fact]
    public void Include_of_an_existing_case_and_unknown_exclude_values_are_errors()
    {
        var result = Specs.Compile(WithMatrix(Axes + """

              exclude:
                - { enforce: maybe }
            """));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("matrix.exclude.enforce", diagnostic.FieldPath);
        Assert.Contains("expected one of on, off", diagnostic.Message);

        var duplicate = Specs.Compile(WithMatrix(Axes + """

              include:
                - { enforce: on, vector: 0xec }
            """));
        Assert.Contains("already a case", Assert.Single(duplicate.Diagnostics).Message);
    }

    [Fact]
    public void An_error_shared_by_every_case_is_reported_once()
    {
        var result = Specs.Compile(WithMatrix(Axes).Replace("dataGpa: 0x6000", "dataGpa: 0x6001"));

        Assert.Equal("asyncPf.dataGpa", Assert.Single(result.Diagnostics).FieldPath);
        Assert.Empty(result.Cases);
    }
}
