using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vmspec.Cli.Sharding;

/// <summary>One (case, host) pair of the matrix, its cost, and the shard (1-based) that runs it.</summary>
internal sealed record AssignedPair(string Case, string Host, int Cost, int Shard);

/// <summary>
/// Splits a <see cref="ShardMatrix"/> into N shards of nearly equal cost, deterministically, so that every shard computes
/// the same split on its own and every (case, host) pair runs exactly once.
/// <para>
/// The pairs are laid in a line: host by host (in name order, so a shard spans few hosts and boots few labs), and within
/// a host in the order of the SHA-256 of the case name: an order of its own, not the names', in which a new case lands at
/// a random place and the others keep their order. The line is cut into N equal lengths of cost: a pair belongs to the
/// shard whose length holds its midpoint, shard ⌊N·(2S + c) / 2T⌋ + 1 for a pair of cost c with S before it, T in all.
/// </para>
/// <para>
/// Balance: a shard's cost is within one pair's cost of T/N (the pairs whose midpoints fall in a length of T/N).
/// Stability: adding pairs of total cost Δ (a case: one pair per host) moves every existing midpoint by less than Δ
/// relative to the cuts, and across any cut in one direction only, so at most ⌈Δ / c_min⌉ existing pairs cross each of
/// the N − 1 cuts, each to the next shard: at most (N − 1)·⌈Δ / c_min⌉ move, however large the matrix; removing a case
/// likewise. A cost-balancing greedy over sorted pairs balances more tightly but may reshuffle every shard on one new case.
/// </para>
/// Boots: each shard spans consecutive hosts, so the N shards boot at most H + N − 1 labs for H hosts, not H·N.
/// </summary>
internal static class ShardAssignment
{
    /// <summary>Every pair of the matrix with its shard, in line order.</summary>
    public static IReadOnlyList<AssignedPair> Assign(ShardMatrix matrix, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var line = matrix.Hosts
            .SelectMany(host => matrix.Cases.Select(c => (Host: host, Case: c, Key: OrderKey(c.Name))))
            .OrderBy(p => p.Host, StringComparer.Ordinal).ThenBy(p => p.Key).ThenBy(p => p.Case.Name, StringComparer.Ordinal)
            .ToList();
        long total = line.Sum(p => (long)p.Case.Cost);
        long before = 0;
        var pairs = new List<AssignedPair>(line.Count);
        foreach (var (host, matrixCase, _) in line)
        {
            // Integers only: the same split on every machine. 2S + c < 2T, so the shard is at most N.
            long midpointTwice = 2 * before + matrixCase.Cost;
            pairs.Add(new AssignedPair(matrixCase.Name, host, matrixCase.Cost, (int)(shards * midpointTwice / (2 * total)) + 1));
            before += matrixCase.Cost;
        }
        return pairs;
    }

    /// <summary>The pairs shard <paramref name="shard"/> runs, in line order.</summary>
    public static IReadOnlyList<AssignedPair> Of(ShardMatrix matrix, ShardSpec shard) =>
        Assign(matrix, shard.Count).Where(p => p.Shard == shard.Index).ToList();

    private static ulong OrderKey(string caseName) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(caseName)));
}
