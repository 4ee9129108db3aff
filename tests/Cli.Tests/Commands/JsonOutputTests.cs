using System.Text.Json;
using Vmspec.Cli.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Commands;

/// <summary>The JSON vmspec prints reads as written: quotes unescaped, a final newline, diagnostics as objects.</summary>
public sealed class JsonOutputTests : IDisposable
{
    private readonly TempDirectory _scratch = new("vmspec-json-");

    public void Dispose() => _scratch.Dispose();

    private static void AssertPleasant(CliProcess.Output run)
    {
        Assert.EndsWith("}\n", run.Stdout);
        Assert.DoesNotContain("\\u0022", run.Stdout);
        Assert.DoesNotContain("\\u0027", run.Stdout);
        Assert.DoesNotContain("\\u002B", run.Stdout);
    }

    [Fact]
    public async Task Check_JSON_gives_structured_diagnostics()
    {
        var spec = Path.Combine(_scratch.Path, "bad-top.yaml");
        File.WriteAllText(spec, "apiVersion: vmspec.dev/v1\nkind: VmSpec\nmetadata: { name: t }\nmachine: { memory: 8MiB }\n");

        var run = await CliProcess.RunAsync(["check", "--json", spec]);

        Assert.True(run.ExitCode == 1, run.ToString());
        AssertPleasant(run);
        var diagnostic = Assert.Single(JsonDocument.Parse(run.Stdout).RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal((spec, 1, 1, "guest", "missing required key", "error"),
            (diagnostic.GetProperty("file").GetString(), diagnostic.GetProperty("line").GetInt32(), diagnostic.GetProperty("column").GetInt32(),
             diagnostic.GetProperty("field").GetString(), diagnostic.GetProperty("message").GetString(), diagnostic.GetProperty("severity").GetString()));
    }

    [Fact]
    public async Task Host_JSON_keeps_quotes_readable()
    {
        var run = await CliProcess.RunAsync(["host", "--json"], CliProcess.WithoutKvm);

        AssertPleasant(run);
        Assert.False(JsonDocument.Parse(run.Stdout).RootElement.GetProperty("available").GetBoolean());
    }

    [Fact]
    public async Task Run_JSON_is_newline_terminated_and_readable()
    {
        var run = await CliProcess.RunAsync(["run", "specs/minimal.yaml", "--json", "--allow-nothing-ran"], CliProcess.WithoutKvm);

        AssertPleasant(run);
        Assert.Equal(1, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("summary").GetProperty("skipped").GetInt32());
    }
}
