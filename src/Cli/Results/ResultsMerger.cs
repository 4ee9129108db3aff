using Vmspec.Cli.Sharding;

namespace Vmspec.Cli.Results;

/// <summary>Shards that do not make one matrix's results: the message names the files and what differs.</summary>
internal sealed class MergeRefusedException(string message) : Exception(message);

/// <summary>
/// Joins the results of <c>verify --shard I/N</c> into the report an unsharded verify of the same matrix gives: per host,
/// every shard's cases in name order. Refused: an input that is not a shard's results, shards of different matrices, vmspec
/// builds or N, two results of one shard, a shard holding pairs that are not its own, one host described differently by
/// two shards, and, unless <c>expected</c> is given, an unreadable input or a missing shard. With <c>expected</c> = N, a
/// shard without readable results is not silently missing: each of its pairs fails with a "shard results" check that says
/// why, with what the caller knows of that shard's fate (<c>faults</c>: its container died, timed out, wrote garbage).
/// A lab failure names its shard; boot and elapsed times are the longest shard's.
/// </summary>
internal static class ResultsMerger
{
    public const string ShardCheck = "shard results";

    /// <param name="faults">by shard index, what happened to a shard whose results may be missing (only used when they are)</param>
    public static VerifyReport Merge(IReadOnlyList<ShardFile> files, int? expected, IReadOnlyDictionary<int, string>? faults = null)
    {
        var unreadable = files.Where(f => f.Report is null).ToList();
        if (unreadable.Count > 0 && expected is null)
            throw new MergeRefusedException($"cannot read {Describe(unreadable)}; --expect N merges the rest and fails the pairs of the shards it lacks");
        if (files.FirstOrDefault(f => f.Report is { Shard: null }) is { } unsharded)
            throw new MergeRefusedException($"{unsharded.Path} is not a shard's results: it has no shard object (verify wrote it without --shard)");
        var inputs = files.Where(f => f.Report is not null).Select(f => new ShardInput(f.Path, f.Report!, f.Report!.Shard!)).ToList();
        if (inputs.Count == 0)
            throw new MergeRefusedException($"no shard's results could be read: {(unreadable.Count == 0 ? "no input" : Describe(unreadable))}");

        int count = CheckOneMatrix(inputs, expected);
        var missing = Enumerable.Range(1, count).Except(inputs.Select(s => s.Shard.Index)).ToList();
        if (missing.Count > 0 && expected is null)
            throw new MergeRefusedException($"shard(s) {string.Join(", ", missing)} of {count} missing: the inputs are "
                + string.Join(", ", inputs.Select(s => $"{s.Path} (shard {s.Shard})")) + $"; --expect {count} fails their pairs instead");
        string unrun = unreadable.Count > 0 ? $"; unreadable: {Describe(unreadable)}" : ": none of the inputs is its results.json";
        if (faults?.Keys.FirstOrDefault(i => i < 1 || i > count) is > 0 and var outside)
            throw new MergeRefusedException($"a fault is given for shard {outside}, but the shards are of {count}");
        return Join(inputs, count, missing, shard => $"shard {shard}/{count} brought no results"
            + (faults is not null && faults.TryGetValue(shard, out var fault) ? $" ({fault})" : "") + unrun);
    }

    private sealed record ShardInput(string Path, VerifyReport Report, ShardRecord Record)
    {
        public ShardSpec Shard => Record.Shard;
    }

    /// <summary>The shards' N, once the shards are found to be of one N, build and matrix, each once, each with its own pairs.</summary>
    private static int CheckOneMatrix(List<ShardInput> inputs, int? expected)
    {
        Same(inputs, s => s.Shard.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "numbers of shards N");
        int count = inputs[0].Shard.Count;
        if (expected is { } n && n != count)
            throw new MergeRefusedException($"--expect {n}, but the shards are of {count}: {string.Join(", ", inputs.Select(s => s.Path))}");
        Same(inputs, s => s.Vmspec, "vmspec builds");
        Same(inputs, s => s.Matrix.Digest, "matrices (specs, plans or hosts)");
        if (inputs.GroupBy(s => s.Shard.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new MergeRefusedException($"shard {twice.Key}/{count} is given twice: {string.Join(", ", twice.Select(s => s.Path))}; "
                + "a re-run shard replaces its part when only its new results.json is given");
        var assignment = ShardAssignment.Assign(inputs[0].Record.Matrix, count);
        foreach (var input in inputs)
            CheckPairs(input, assignment);
        return count;
    }

    /// <summary>A shard's results hold exactly the pairs the matrix assigns to it, no more, no fewer.</summary>
    private static void CheckPairs(ShardInput input, IReadOnlyList<AssignedPair> assignment)
    {
        var owned = assignment.Where(p => p.Shard == input.Shard.Index).Select(p => $"{p.Case} on {p.Host}").Order(StringComparer.Ordinal).ToList();
        var held = input.Report.Runs.SelectMany(r => r.Cases.Select(c => $"{c.Name} on {r.Host.Name}")).Order(StringComparer.Ordinal).ToList();
        if (!owned.SequenceEqual(held, StringComparer.Ordinal))
        {
            var extra = held.Except(owned, StringComparer.Ordinal).FirstOrDefault();
            var lacking = owned.Except(held, StringComparer.Ordinal).FirstOrDefault();
            throw new MergeRefusedException($"{input.Path}: shard {input.Shard} holds {held.Count} (case, host) pairs, the matrix gives it {owned.Count}"
                + (extra is not null ? $"; {extra} is not its own" : "") + (lacking is not null ? $"; it lacks {lacking}" : ""));
        }
    }

    /// <summary>Per host of the matrix, every shard's cases and a failed one for each pair of a missing shard, in name order.</summary>
    private static VerifyReport Join(List<ShardInput> inputs, int count, List<int> missing, Func<int, string> unrun)
    {
        var matrix = inputs[0].Record.Matrix;
        var owed = ShardAssignment.Assign(matrix, count).Where(p => missing.Contains(p.Shard)).ToList();
        var guests = matrix.Cases.ToDictionary(c => c.Name, c => c.Guest, StringComparer.Ordinal);
        var runs = new List<HostRun>();
        foreach (var host in matrix.Hosts)
        {
            var ran = inputs.Select(s => (Input: s, Run: s.Report.Runs.FirstOrDefault(r => r.Host.Name == host)))
                .Where(r => r.Run is not null).Select(r => (r.Input, Run: r.Run!)).ToList();
            var cases = ran.SelectMany(r => r.Run.Cases)
                .Concat(owed.Where(p => p.Host == host).Select(p => NotRun(p.Case, guests[p.Case], p.Shard, count, unrun(p.Shard))))
                .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            if (cases.Count > 0)
                runs.Add(new HostRun(ran.Count > 0 ? MergeHost(host, ran, count)
                    : new HostInfo(host, host == HostInfo.NativeName ? HostInfo.NativeMode : HostInfo.LabMode, null, null, false,
                        $"no results: shard(s) {string.Join(", ", missing)} of {count} brought none"), cases));
        }
        return new VerifyReport(runs);
    }

    /// <summary>One host's facts from the shards that ran it (which must agree), a lab failure named by its shard, the longest times.</summary>
    private static HostInfo MergeHost(string host, List<(ShardInput Input, HostRun Run)> ran, int count)
    {
        var healthy = ran.Where(r => r.Run.Host.LabFailure is null).ToList();
        var facts = healthy.GroupBy(r => Facts(r.Run.Host), StringComparer.Ordinal).ToList();
        if (facts.Count > 1)
            throw new MergeRefusedException($"host {host} is not the same in every shard: "
                + string.Join("; ", facts.Select(g => $"{g.Key} in {string.Join(", ", g.Select(r => r.Input.Path))}")));
        var failed = ran.Where(r => r.Run.Host.LabFailure is not null).ToList();
        var info = (healthy.Count > 0 ? healthy[0] : failed[0]).Run.Host;
        return info with
        {
            LabBoot = ran.Max(r => r.Run.Host.LabBoot),
            LabElapsed = ran.Max(r => r.Run.Host.LabElapsed),
            LabStalls = ran.Sum(r => r.Run.Host.LabStalls),
            LabFailure = failed.Count == 0 ? null : failed[0].Run.Host.LabFailure! with
            {
                Error = $"shard {failed[0].Input.Shard.Index}/{count}: {failed[0].Run.Host.LabFailure!.Error}",
            },
        };
    }

    /// <summary>What two shards must agree on about a host: where and how it ran.</summary>
    private static string Facts(HostInfo host) =>
        $"{host.Mode}, kernel {host.KernelRelease ?? "unknown"}, {host.Flavour ?? "flavour unknown"}"
        + (host.IsLab ? $", accel {host.Accel ?? "unknown"}, QEMU {host.QemuVersion ?? "unknown"}" : "")
        + (host.KvmAvailable ? "" : $", KVM unavailable: {host.Reason}");

    private static CaseResult NotRun(string name, string guest, int shard, int count, string reason) =>
        new(name, guest, Outcome.Failed, [new Check(ShardCheck, Outcome.Failed, $"results of shard {shard}/{count}", reason)],
            AsyncPfCounts.None, TimeSpan.Zero, reason);

    /// <summary>Refuses when the shards do not all have the same <paramref name="key"/>, naming each value's files.</summary>
    private static void Same(List<ShardInput> inputs, Func<ShardRecord, string> key, string what)
    {
        var groups = inputs.GroupBy(s => key(s.Record), StringComparer.Ordinal).ToList();
        if (groups.Count > 1)
            throw new MergeRefusedException($"the shards are of different {what}: "
                + string.Join("; ", groups.Select(g => $"{g.Key} in {string.Join(", ", g.Select(s => s.Path))}")));
    }

    private static string Describe(IEnumerable<ShardFile> unreadable) => string.Join("; ", unreadable.Select(f => $"{f.Path}: {f.Error}"));
}
