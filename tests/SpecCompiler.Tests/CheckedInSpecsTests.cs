using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Schema;

namespace Vmspec.SpecCompiler.Tests;

public sealed class CheckedInSpecsTests
{
    [Fact]
    public void All_checked_in_specs_compile_to_a_reasonable_number_of_uniquely_named_cases()
    {
        var result = SpecCompilation.CompileDirectory(TestFiles.SpecsDir);

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.InRange(result.Cases.Count, 50, 120);
        Assert.Equal(result.Cases.Count, result.Cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("minimal.yaml", 1)]
    [InlineData("asyncpf/enable-protocol.yaml", 63)]
    [InlineData("asyncpf/faults.yaml", 5)]
    public void Each_spec_expands_to_its_designed_case_count(string spec, int cases)
    {
        var result = SpecCompilation.CompileFile(Path.Join(TestFiles.SpecsDir, spec));

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Equal(cases, result.Cases.Count);
    }

    [Fact]
    public void Checked_in_schema_equals_the_generated_one()
    {
        // VMSPEC_UPDATE_SCHEMA=1 regenerates the file after a language change; review the diff.
        var path = Path.Join(TestFiles.SpecsDir, "schema", SchemaGenerator.FileName);
        if (Environment.GetEnvironmentVariable("VMSPEC_UPDATE_SCHEMA") == "1")
            SchemaGenerator.WriteTo(path);

        var checkedIn = File.ReadAllBytes(path);

        Assert.Equal(SchemaGenerator.Generate(), checkedIn);
    }

    [Fact]
    public void Every_spec_points_its_editor_at_the_schema_by_a_relative_path()
    {
        foreach (var file in Directory.EnumerateFiles(TestFiles.SpecsDir, "*.yaml", SearchOption.AllDirectories))
        {
            var schema = Path.GetRelativePath(Path.GetDirectoryName(file)!, Path.Join(TestFiles.SpecsDir, "schema", SchemaGenerator.FileName));
            Assert.Equal($"# yaml-language-server: $schema={schema.Replace('\\', '/')}", File.ReadLines(file).First());
        }
    }

    [Fact]
    public void Every_checked_in_plan_reads_back_to_the_same_bytes()
    {
        foreach (var compiled in SpecCompilation.CompileDirectory(TestFiles.SpecsDir).Cases)
        {
            var plan = PlanReader.Read(compiled.CanonicalJson);
            Assert.Equal(compiled.CanonicalJson, PlanWriter.Write(plan, out var digest));
            Assert.Equal(compiled.Digest, digest);
        }
    }
}
