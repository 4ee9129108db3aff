using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vmspec.Cli.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Commands;

/// <summary><c>vmspec compile</c> prints the plan digest in a form no one takes for sha256sum's output.</summary>
public sealed class CompileOutputTests : IDisposable
{
    private readonly TempDirectory _output = new("vmspec-compile-");

    public void Dispose() => _output.Dispose();

    [Fact]
    public async Task Compile_names_the_plan_digest_as_such()
    {
        var plan = Path.Combine(_output.Path, "minimal.plan.json");

        var run = await CliProcess.RunAsync(["compile", "specs/minimal.yaml", "-o", plan]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var digest = JsonDocument.Parse(File.ReadAllBytes(plan)).RootElement.GetProperty("digest").GetString();
        Assert.Equal($"wrote {plan} (plan sha256:{digest})\n", run.Stdout);
        Assert.DoesNotMatch(new Regex("^[0-9a-f]{64} [ *]", RegexOptions.Multiline), run.Stdout);
        Assert.NotEqual(digest, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(plan))));
    }
}
