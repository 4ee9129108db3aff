using System.Security.Cryptography;
using System.Text;

namespace Vmspec.Cli.Sharding;

/// <summary>One case of the matrix as a shard records it: its name, guest program, plan digest and <see cref="CaseCost"/>.</summary>
internal sealed record MatrixCase(string Name, string Guest, string Plan, int Cost);

/// <summary>
/// The whole (case, host) matrix that shards split: every host by name, every case by name with its plan's digest. Every
/// shard's results.json records it, so that a merge can tell shards of one matrix from another's and knows which pairs a
/// missing shard owed. <see cref="Digest"/> covers the hosts and the cases' names and plan digests.
/// </summary>
internal sealed record ShardMatrix(IReadOnlyList<string> Hosts, IReadOnlyList<MatrixCase> Cases)
{
    public static ShardMatrix Of(IReadOnlyList<CompiledCase> cases, IEnumerable<string> hosts) => new(
        hosts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
        cases.Select(c => new MatrixCase(c.Name, c.Plan.Guest.Program, "sha256:" + c.Digest, CaseCost.Of(c.Plan)))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList());

    public int PairCount => Hosts.Count * Cases.Count;

    public int TotalCost => Hosts.Count * Cases.Sum(c => c.Cost);

    /// <summary><c>sha256:HEX</c> of one line per host (<c>host NAME</c>) and per case (<c>case NAME PLAN</c>), in name order.</summary>
    public string Digest
    {
        get
        {
            var text = new StringBuilder();
            foreach (var host in Hosts)
                text.Append("host ").Append(host).Append('\n');
            foreach (var matrixCase in Cases)
                text.Append("case ").Append(matrixCase.Name).Append(' ').Append(matrixCase.Plan).Append('\n');
            return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }

    public bool Equals(ShardMatrix? other) =>
        other is not null && Hosts.SequenceEqual(other.Hosts) && Cases.SequenceEqual(other.Cases);

    public override int GetHashCode() => Digest.GetHashCode(StringComparison.Ordinal);
}
