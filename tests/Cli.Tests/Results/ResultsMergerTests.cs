using Vmspec.Cli.Report;
using Vmspec.Cli.Results;
using Vmspec.Cli.Sharding;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Results;

/// <summary>Shards' results join into the unsharded run's; inputs that are not one matrix's shards are refused, naming the files.</summary>
public class ResultsMergerTests
{
    private const string Build = "1.0.0+abc sha256:0123";

    // With 3 shards: debian-6.12's pairs in shards 1 and 2, native's in 2 and 3.
    private static readonly ShardMatrix Matrix = new(["debian-6.12", "native"],
    [
        new("debian-6-12-cloud", "linux", "sha256:01", 4),
        new("enable[en=bit4]", "msr-protocol", "sha256:02", 1),
        new("enable[en=zero]", "msr-protocol", "sha256:03", 1),
        new("faults[variant=cpl0]", "async-pf", "sha256:04", 2),
        new("faults[variant=delivered]", "async-pf", "sha256:05", 2),
        new("minimal", "minimal", "sha256:06", 1),
    ]);

    private static readonly HostInfo Native = new("native", "native", "6.18.44", "kvm_pvm", true, null);

    private static readonly HostInfo Lab = new("debian-6.12", "lab", "6.12.117+deb12-amd64", "kvm_amd", true, null)
    {
        Accel = "tcg", QemuVersion = "7.2.22", LabBoot = TimeSpan.FromSeconds(5), LabElapsed = TimeSpan.FromSeconds(30),
    };

    private static CaseResult Passed(string name, string host) => new(name, Matrix.Cases.Single(c => c.Name == name).Guest, Outcome.Passed,
        [Check.Compare($"on {host}", 1, 1)], AsyncPfCounts.None, TimeSpan.FromMilliseconds(name.Length));

    private static HostInfo Info(string host) => host == "native" ? Native : Lab;

    private static readonly VerifyReport Unsharded = new(Matrix.Hosts.Select(h => new HostRun(Info(h), Matrix.Cases.Select(c => Passed(c.Name, h)).ToList())).ToList());

    /// <summary>What <c>verify --shard index/count</c> of the matrix reports when every case passes.</summary>
    private static VerifyReport Shard(int index, int count, ShardMatrix? matrix = null, string build = Build)
    {
        matrix ??= Matrix;
        var mine = ShardAssignment.Of(matrix, new ShardSpec(index, count));
        var runs = matrix.Hosts.Where(h => mine.Any(p => p.Host == h))
            .Select(h => new HostRun(Info(h), mine.Where(p => p.Host == h).Select(p => Passed(p.Case, h)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList()))
            .ToList();
        return new VerifyReport(runs) { Shard = new ShardRecord(new ShardSpec(index, count), build, matrix) };
    }

    private static ShardFile File(string path, VerifyReport report) => new(path, report, null);

    private static List<ShardFile> All(int count) => Enumerable.Range(1, count).Select(i => File($"s{i}/results.json", Shard(i, count))).ToList();

    private static string Refusal(IReadOnlyList<ShardFile> files, int? expected = null) =>
        Assert.Throws<MergeRefusedException>(() => ResultsMerger.Merge(files, expected)).Message;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Every_shard_merged_writes_the_bytes_the_unsharded_run_writes(int count)
    {
        var merged = ResultsMerger.Merge(All(count), null);

        Assert.Equal(ResultsJsonWriter.Write(Unsharded), ResultsJsonWriter.Write(merged));
        Assert.Equal(JUnitWriter.Write(Unsharded), JUnitWriter.Write(merged));
        Assert.Equal(HtmlReport.Render(Unsharded), HtmlReport.Render(merged));
    }

    [Fact]
    public void The_order_of_the_inputs_does_not_matter()
    {
        var files = All(3);
        files.Reverse();

        Assert.Equal(ResultsJsonWriter.Write(Unsharded), ResultsJsonWriter.Write(ResultsMerger.Merge(files, 3)));
    }

    [Fact]
    public void A_shards_record_survives_results_json_and_a_changed_matrix_digest_does_not()
    {
        var shard = Shard(2, 3);
        var json = ResultsJsonWriter.Write(shard);

        Assert.Equal(shard.Shard, ResultsJsonReader.Read(json).Shard);
        var tampered = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(json).Replace("\"sha256:03\"", "\"sha256:ff\""));
        Assert.Contains("but its hosts and cases hash to", Assert.Throws<FormatException>(() => ResultsJsonReader.Read(tampered)).Message);
    }

    [Fact]
    public void Shards_of_different_matrices_are_refused_naming_the_files()
    {
        var other = Matrix with { Cases = [.. Matrix.Cases.Select(c => c.Name == "minimal" ? c with { Plan = "sha256:99" } : c)] };

        var message = Refusal([File("a/results.json", Shard(1, 2)), File("b/results.json", Shard(2, 2, other))]);

        Assert.Contains("different matrices", message);
        Assert.Contains($"{Matrix.Digest} in a/results.json", message);
        Assert.Contains($"{other.Digest} in b/results.json", message);
    }

    [Fact]
    public void Shards_of_different_vmspec_builds_are_refused() =>
        Assert.Contains("different vmspec builds: 1.0.0+abc sha256:0123 in a/results.json; 1.0.0+def sha256:4567 in b/results.json",
            Refusal([File("a/results.json", Shard(1, 2)), File("b/results.json", Shard(2, 2, build: "1.0.0+def sha256:4567"))]));

    [Fact]
    public void Shards_of_different_N_are_refused() =>
        Assert.Contains("different numbers of shards N: 2 in a/results.json; 3 in b/results.json",
            Refusal([File("a/results.json", Shard(1, 2)), File("b/results.json", Shard(2, 3))]));

    [Fact]
    public void A_shard_given_twice_is_refused_naming_both_files() =>
        Assert.Contains("shard 2/3 is given twice: s2/results.json, rerun/results.json",
            Refusal([.. All(3), File("rerun/results.json", Shard(2, 3))]));

    [Fact]
    public void Missing_shards_are_refused_naming_which()
    {
        var message = Refusal([File("s2/results.json", Shard(2, 4))]);

        Assert.Contains("shard(s) 1, 3, 4 of 4 missing: the inputs are s2/results.json (shard 2/4)", message);
        Assert.Contains("--expect 4", message);
    }

    [Fact]
    public void An_unreadable_input_is_refused_unless_the_shards_are_expected() =>
        Assert.Contains("cannot read s2/results.json: results.json is not JSON",
            Refusal([File("s1/results.json", Shard(1, 2)), new ShardFile("s2/results.json", null, "results.json is not JSON: ...")]));

    [Fact]
    public void Results_of_an_unsharded_verify_are_refused() =>
        Assert.Contains("full/results.json is not a shard's results", Refusal([File("s1/results.json", Shard(1, 2)), File("full/results.json", Unsharded)]));

    [Fact]
    public void A_shard_holding_pairs_that_are_not_its_own_is_refused()
    {
        var wrong = Shard(1, 2) with { Runs = Shard(2, 2).Runs };

        Assert.Contains("a/results.json: shard 1/2 holds", Refusal([File("a/results.json", wrong), File("b/results.json", Shard(2, 2))]));
    }

    [Fact]
    public void A_host_that_two_shards_describe_differently_is_refused()
    {
        var third = Shard(3, 3);
        third = third with { Runs = [.. third.Runs.Select(r => r with { Host = r.Host with { KernelRelease = "6.12.0" } })] };

        var message = Refusal([File("a/results.json", Shard(1, 3)), File("b/results.json", Shard(2, 3)), File("c/results.json", third)]);

        Assert.Contains("host native is not the same in every shard: native, kernel 6.18.44, kvm_pvm in b/results.json; native, kernel 6.12.0, kvm_pvm in c/results.json", message);
    }

    [Fact]
    public void Expecting_N_a_shard_without_results_fails_each_of_its_pairs_with_the_reason()
    {
        var files = All(3);
        files[1] = new ShardFile("s2/results.json", null, "no such file");

        var merged = ResultsMerger.Merge(files, 3);

        var owed = ShardAssignment.Of(Matrix, new ShardSpec(2, 3));
        Assert.NotEmpty(owed);
        Assert.Equal(Matrix.PairCount, merged.Runs.Sum(r => r.Cases.Count));
        Assert.Equal(owed.Count, merged.Count(Outcome.Failed));
        foreach (var pair in owed)
        {
            var result = merged.Runs.Single(r => r.Host.Name == pair.Host).Find(pair.Case)!;
            Assert.Equal(Outcome.Failed, result.Status);
            var check = Assert.Single(result.Checks);
            Assert.Equal((ResultsMerger.ShardCheck, "results of shard 2/3"), (check.Name, check.Expected));
            Assert.Equal("shard 2/3 brought no results; unreadable: s2/results.json: no such file", check.Observed);
        }
    }

    [Fact]
    public void Expecting_N_what_happened_to_a_shard_without_results_is_said_in_its_pairs_failure_and_only_there()
    {
        var files = All(3);
        files[2] = new ShardFile("s3/results.json", null, "not JSON: '<' is an invalid start of a value");
        var faults = new Dictionary<int, string> { [1] = "ignored: its results are there", [3] = "its container exited with code 139" };

        var merged = ResultsMerger.Merge(files, 3, faults);

        var failed = merged.Runs.SelectMany(r => r.Cases).Where(c => c.Status == Outcome.Failed).ToList();
        Assert.Equal(ShardAssignment.Of(Matrix, new ShardSpec(3, 3)).Count, failed.Count);
        Assert.All(failed, c => Assert.Equal(
            "shard 3/3 brought no results (its container exited with code 139); unreadable: s3/results.json: not JSON: '<' is an invalid start of a value",
            c.Reason));
        Assert.Contains("a fault is given for shard 4, but the shards are of 3",
            Assert.Throws<MergeRefusedException>(() => ResultsMerger.Merge(files, 3, new Dictionary<int, string> { [4] = "x" })).Message);
    }

    [Fact]
    public void Expecting_N_a_shard_that_is_not_among_the_inputs_is_named_too()
    {
        var merged = ResultsMerger.Merge([File("s1/results.json", Shard(1, 2))], 2);

        Assert.All(merged.Runs.SelectMany(r => r.Cases).Where(c => c.Status == Outcome.Failed),
            c => Assert.Equal("shard 2/2 brought no results: none of the inputs is its results.json", c.Reason));
        Assert.Equal(ShardAssignment.Of(Matrix, new ShardSpec(2, 2)).Count, merged.Count(Outcome.Failed));
    }

    [Fact]
    public void Expecting_another_N_than_the_shards_have_is_refused() =>
        Assert.Contains("--expect 3, but the shards are of 2", Refusal(All(2), 3));

    [Fact]
    public void A_rerun_shard_replaces_its_part()
    {
        var files = All(2);
        files[1] = new ShardFile("s2/results.json", null, "results.json is not JSON: cut short");
        Assert.True(ResultsMerger.Merge(files, 2).AnyFailed);

        files[1] = File("s2/results.json", Shard(2, 2));

        Assert.Equal(ResultsJsonWriter.Write(Unsharded), ResultsJsonWriter.Write(ResultsMerger.Merge(files, 2)));
    }

    [Fact]
    public void A_lab_that_failed_in_one_shard_is_named_with_its_shard_and_the_hosts_facts_come_from_the_others()
    {
        var first = Shard(1, 3);
        var failure = new LabFailure("timed-out", "timed out after 60 s", null, ["last line"]);
        first = first with
        {
            Runs = [.. first.Runs.Select(r => r.Host.Name != "debian-6.12" ? r : new HostRun(
                new HostInfo("debian-6.12", "lab", null, null, false, failure.Error) { Accel = "tcg", LabElapsed = TimeSpan.FromSeconds(60), LabFailure = failure },
                [.. r.Cases.Select(c => new CaseResult(c.Name, c.Guest, Outcome.Failed, [new Check("lab run", Outcome.Failed, "results from the lab", failure.Error)],
                    AsyncPfCounts.None, TimeSpan.Zero, failure.Error))]))],
        };
        Assert.Contains(first.Runs, r => r.Host.Name == "debian-6.12");
        Assert.Contains(Shard(2, 3).Runs, r => r.Host.Name == "debian-6.12");

        var lab = ResultsMerger.Merge([File("a/results.json", first), File("b/results.json", Shard(2, 3)), File("c/results.json", Shard(3, 3))], null)
            .Runs.Single(r => r.Host.Name == "debian-6.12");

        Assert.Equal(("6.12.117+deb12-amd64", "kvm_amd"), (lab.Host.KernelRelease, lab.Host.Flavour));
        Assert.Equal("shard 1/3: timed out after 60 s", lab.Host.LabFailure!.Error);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60)), (lab.Host.LabBoot, lab.Host.LabElapsed));
        Assert.Equal(Matrix.Cases.Count, lab.Cases.Count);
    }

    [Fact]
    public void An_input_that_is_missing_cut_short_or_not_results_is_read_as_unreadable_with_why()
    {
        using var folder = new TempDirectory();
        var json = ResultsJsonWriter.Write(Shard(1, 2));
        System.IO.File.WriteAllBytes(folder.Combine("cut.json"), json[..(json.Length / 2)]);
        System.IO.File.WriteAllText(folder.Combine("other.json"), "{\"runs\": 3}");

        Assert.Equal("no such file", ShardFile.Read(folder.Combine("none.json")).Error);
        Assert.StartsWith("results.json is not JSON", ShardFile.Read(folder.Combine("cut.json")).Error);
        Assert.Equal("results.json: runs is not an array", ShardFile.Read(folder.Combine("other.json")).Error);
    }
}
