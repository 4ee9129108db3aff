using Vmspec.Cli.Sharding;
using Vmspec.Cli.Specs;
using Vmspec.SpecCompiler;
using Vmspec.SpecCompiler.Model;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Sharding;

/// <summary>The split of the checked-in specs × the pinned host kernels: complete, balanced by cost, stable when a case comes or goes.</summary>
public class ShardAssignmentTests
{
    private static readonly IReadOnlyList<CompiledCase> Cases = SpecInputs.Compile([TestRepository.Specs]).Cases;

    private static readonly IReadOnlyList<string> Hosts =
        HostKernelCatalog.Load(Path.Combine(TestRepository.Specs, "hosts")).Catalog!.Hosts.Select(h => h.Name).ToList();

    private static readonly ShardMatrix Matrix = ShardMatrix.Of(Cases, Hosts);

    public static TheoryData<int> Counts => new(1, 2, 3, 4, 5, 8);

    [Fact]
    public void The_matrix_is_the_checked_in_cases_on_the_two_pinned_hosts()
    {
        Assert.Equal(["debian-6.1", "debian-6.12"], Matrix.Hosts);
        Assert.Equal(Cases.Count, Matrix.Cases.Count); // the checked-in count is CheckedInSpecsTests' to pin
        Assert.Equal(2 * Cases.Count, Matrix.PairCount);
    }

    [Theory]
    [MemberData(nameof(Counts))]
    [InlineData(200)]
    public void Every_case_host_pair_runs_in_exactly_one_shard(int count)
    {
        var all = Matrix.Hosts.SelectMany(h => Matrix.Cases.Select(c => $"{c.Name} on {h}")).Order(StringComparer.Ordinal);
        var shards = Enumerable.Range(1, count).Select(i => ShardAssignment.Of(Matrix, new ShardSpec(i, count))).ToList();

        Assert.Equal(all, shards.SelectMany(s => s).Select(p => $"{p.Case} on {p.Host}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void Every_shards_cost_is_within_one_pairs_cost_of_an_even_split(int count)
    {
        var loads = Loads(Matrix, count);
        int most = Matrix.Cases.Max(c => c.Cost);
        double even = (double)Matrix.TotalCost / count;

        Assert.All(loads, load => Assert.InRange(load, even - most, even + most));
        TestContext.Current.TestOutputHelper?.WriteLine($"N={count}: costs {string.Join(", ", loads)} of {Matrix.TotalCost}, "
            + $"even {even:0.0}, largest {loads.Max() / even:0.000} of even");
    }

    [Fact]
    public void The_split_does_not_depend_on_the_order_the_cases_came_in()
    {
        var reversed = ShardMatrix.Of(Cases.Reverse().ToList(), Hosts.Reverse());

        Assert.Equal(ShardAssignment.Assign(Matrix, 3), ShardAssignment.Assign(reversed, 3));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Adding_any_one_case_moves_at_most_N_minus_1_times_its_cost_over_the_cheapest_existing_pairs(int count)
    {
        var movedMost = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var added in Matrix.Cases)
        {
            var before = Matrix with { Cases = Matrix.Cases.Where(c => c != added).ToList() };
            var shardBefore = ShardAssignment.Assign(before, count).ToDictionary(p => (p.Case, p.Host), p => p.Shard);
            var after = ShardAssignment.Assign(Matrix, count).Where(p => p.Case != added.Name).ToList();
            int moved = after.Count(p => shardBefore[(p.Case, p.Host)] != p.Shard);
            int addedCost = added.Cost * Matrix.Hosts.Count, cheapest = before.Cases.Min(c => c.Cost);

            Assert.True(moved <= (count - 1) * ((addedCost + cheapest - 1) / cheapest),
                $"adding {added.Name} (cost {addedCost}) moved {moved} of {after.Count} pairs");
            Assert.All(after, p => Assert.InRange(p.Shard - shardBefore[(p.Case, p.Host)], -1, 1));
            movedMost[added.Guest] = Math.Max(movedMost.GetValueOrDefault(added.Guest), moved);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"N={count}: most pairs moved by adding one case: "
            + string.Join(", ", movedMost.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Value}")));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Adding_a_case_of_the_cheapest_kind_moves_at_most_2_N_minus_1_pairs(int count)
    {
        var added = Matrix with { Cases = [.. Matrix.Cases, new MatrixCase("enable-protocol[en=new]", "msr-protocol", "sha256:00", CaseCost.MsrProtocol)] };
        var before = ShardAssignment.Assign(Matrix, count).ToDictionary(p => (p.Case, p.Host), p => p.Shard);

        int moved = ShardAssignment.Assign(added, count).Count(p => before.TryGetValue((p.Case, p.Host), out int shard) && shard != p.Shard);

        Assert.InRange(moved, 0, 2 * (count - 1));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_shard_spans_consecutive_hosts_so_N_shards_boot_at_most_hosts_plus_N_minus_1_labs(int count)
    {
        var boots = ShardAssignment.Assign(Matrix, count).Select(p => (p.Shard, p.Host)).Distinct().Count();

        Assert.InRange(boots, count, Hosts.Count + count - 1);
    }

    [Fact]
    public void Fault_and_Linux_cases_cost_more_than_protocol_cases()
    {
        int Cost(string name) => Matrix.Cases.Single(c => c.Name == name).Cost;

        Assert.Equal(1, Cost("enable-protocol[en=zero,enforcement=enforced,features=all]"));
        Assert.Equal(1, Cost("minimal"));
        Assert.Equal(2 + 6, Cost("faults[variant=delivered]"));
        Assert.Equal(40, Cost("debian-6-12-cloud[entry=pvh]"));
    }

    private static List<int> Loads(ShardMatrix matrix, int count) =>
        Enumerable.Range(1, count).Select(i => ShardAssignment.Of(matrix, new ShardSpec(i, count)).Sum(p => p.Cost)).ToList();
}
