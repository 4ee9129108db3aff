namespace Vmspec.Cli.Sharding;

/// <summary>What one shard of a verify runs: on each host, the cases <see cref="ShardAssignment"/> gives it.</summary>
internal sealed record ShardPart(ShardRecord Record, IReadOnlyDictionary<string, IReadOnlyList<CompiledCase>> CasesByHost)
{
    public int PairCount => CasesByHost.Values.Sum(c => c.Count);

    public int Cost => CasesByHost.Values.SelectMany(c => c).Sum(c => CaseCost.Of(c.Plan));

    /// <summary>The part of <paramref name="cases"/> × <paramref name="hosts"/> that <paramref name="shard"/> runs; every host is a key.</summary>
    public static ShardPart Select(ShardSpec shard, IReadOnlyList<CompiledCase> cases, IReadOnlyList<string> hosts, string vmspecBuild)
    {
        var matrix = ShardMatrix.Of(cases, hosts);
        var mine = ShardAssignment.Of(matrix, shard);
        var byName = cases.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var casesByHost = matrix.Hosts.ToDictionary(host => host, host => (IReadOnlyList<CompiledCase>)mine.Where(p => p.Host == host)
            .Select(p => byName[p.Case]).OrderBy(c => c.Name, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        return new ShardPart(new ShardRecord(shard, vmspecBuild, matrix), casesByHost);
    }
}
