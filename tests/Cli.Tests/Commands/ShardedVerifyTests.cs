using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Vmspec.Cli.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Commands;

/// <summary>
/// <c>verify --shard I/N</c> and <c>merge</c> as a CI job matrix uses them: the shards' merged results are the unsharded
/// run's, but for timings; a merge that cannot be whole says so by its exit code.
/// </summary>
public sealed class ShardedVerifyTests : IDisposable
{
    private static readonly string[] Specs = ["specs/minimal.yaml", "specs/asyncpf/findings"];

    private readonly TempDirectory _folder = new("vmspec-shards-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Two_shards_merged_give_the_unsharded_results_but_for_timings()
    {
        KvmRequirement.RequireKvm();

        var whole = await CliProcess.RunAsync(["verify", .. Specs, "--host", "native", "--results", _folder.Combine("whole")]);
        var first = await CliProcess.RunAsync(["verify", .. Specs, "--host", "native", "--shard", "1/2", "--results", _folder.Combine("1")]);
        // The second as a Kubernetes Indexed Job's pod with index 1 gets it.
        var second = await CliProcess.RunAsync(["verify", .. Specs, "--host", "native", "--shards", "2", "--results", _folder.Combine("2")],
            new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "1" });
        var merge = await CliProcess.RunAsync(["merge", _folder.Combine("2", "results.json"), _folder.Combine("1", "results.json"), "-o", _folder.Combine("merged")]);

        foreach (var run in (CliProcess.Output[])[whole, first, second, merge])
            Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("vmspec verify: shard 1/2: ", first.Stderr);
        Assert.Contains("vmspec verify: shard 2/2: ", second.Stderr);
        Assert.Equal(6, Cases(_folder.Combine("1", "results.json")) + Cases(_folder.Combine("2", "results.json")));
        Assert.Equal(WithoutTimings(_folder.Combine("whole", "results.json")), WithoutTimings(_folder.Combine("merged", "results.json")));
        Assert.Equal(JUnitWithoutTimes(_folder.Combine("whole", "junit.xml")), JUnitWithoutTimes(_folder.Combine("merged", "junit.xml")));
        Assert.True(File.Exists(_folder.Combine("merged", "report.html")));
        Assert.Contains("6 passed, 0 failed, 0 skipped", merge.Stdout);
    }

    [Fact]
    public async Task A_missing_shard_is_refused_and_with_expect_fails_its_pairs()
    {
        var shard = await CliProcess.RunAsync(["verify", .. Specs, "--host", "native", "--shard", "2/2", "--results", _folder.Combine("2"), "--allow-nothing-ran"],
            CliProcess.WithoutKvm);
        Assert.True(shard.ExitCode == 0, shard.ToString());
        var input = _folder.Combine("2", "results.json");
        var dead = _folder.Combine("1", "results.json");

        var refused = await CliProcess.RunAsync(["merge", input]);
        var faultWithoutExpect = await CliProcess.RunAsync(["merge", input, "--fault", "1=died"]);
        var expected = await CliProcess.RunAsync(["merge", input, dead, "--expect", "2", "--fault", "1=its container was killed", "-o", _folder.Combine("merged")]);

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("shard(s) 1 of 2 missing", refused.Stderr);
        Assert.True(faultWithoutExpect.ExitCode == 2, faultWithoutExpect.ToString());
        Assert.Contains("only a merge with --expect N reports faults", faultWithoutExpect.Stderr);
        Assert.True(expected.ExitCode == 1, expected.ToString());
        Assert.Contains($"shard 1/2 brought no results (its container was killed); unreadable: {dead}: no such file", expected.Stdout);
        using var merged = JsonDocument.Parse(File.ReadAllBytes(_folder.Combine("merged", "results.json")));
        Assert.Equal(6, merged.RootElement.GetProperty("runs")[0].GetProperty("cases").GetArrayLength());
        Assert.False(merged.RootElement.TryGetProperty("shard", out _));
    }

    [Fact]
    public async Task Shard_and_merge_are_in_the_help()
    {
        var verify = await CliProcess.RunAsync(["verify", "--help"]);
        var merge = await CliProcess.RunAsync(["merge", "--help"]);

        Assert.Contains("--shard", verify.Stdout);
        Assert.Contains("JOB_COMPLETION_INDEX", verify.Stdout);
        Assert.DoesNotContain("--case", verify.Stdout);
        Assert.Contains("--expect", merge.Stdout);
        Assert.Matches(@"(?m)^\s+2\s+bad usage.*merge: the shards are refused", merge.Stdout);
    }

    private static int Cases(string results)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(results));
        return document.RootElement.GetProperty("runs").EnumerateArray().Sum(r => r.GetProperty("cases").GetArrayLength());
    }

    /// <summary>results.json less what differs run to run: durations, lab times, the events' times, the checks' figures.</summary>
    private static string WithoutTimings(string results)
    {
        var root = JsonNode.Parse(File.ReadAllBytes(results))!;
        Strip(root);
        return root.ToJsonString();
    }

    private static void Strip(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var name in (string[])["durationMs", "bootMs", "elapsedMs", "labStalls", "timeUs", "figures"])
                o.Remove(name);
            foreach (var (_, child) in o)
                Strip(child);
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
                Strip(child);
        }
    }

    private static string JUnitWithoutTimes(string junit)
    {
        var document = XDocument.Load(junit);
        document.Descendants().Attributes("time").Remove();
        return document.ToString();
    }
}
