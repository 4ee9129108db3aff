using Vmspec.Cli.Sharding;

namespace Vmspec.Cli.Tests.Sharding;

public class ShardSpecTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("2/4", 2, 4)]
    [InlineData("12/12", 12, 12)]
    public void Shard_I_of_N_is_counted_from_1(string text, int index, int count) =>
        Assert.Equal(new ShardSpec(index, count), ShardSpec.Parse(text, "--shard"));

    [Theory]
    [InlineData("0/2", "shard 0 is not one of 1 to 2")]
    [InlineData("3/2", "shard 3 is not one of 1 to 2")]
    [InlineData("1/0", "the number of shards must be at least 1")]
    [InlineData("1", "expected I/N")]
    [InlineData("1/2/3", "expected I/N")]
    [InlineData("-1/2", "expected I/N")]
    [InlineData(" 1/2", "expected I/N")]
    [InlineData("a/b", "expected I/N")]
    public void A_shard_that_is_not_I_of_N_is_refused_with_what_was_expected(string text, string message)
    {
        var e = Assert.Throws<ShardSpecException>(() => ShardSpec.Parse(text, "--shard"));
        Assert.Contains($"--shard {text}", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_option_comes_before_the_environment_and_without_either_the_whole_matrix_runs()
    {
        var env = Environment(("VMSPEC_SHARD", "2/3"), ("JOB_COMPLETION_INDEX", "0"));

        Assert.Equal(new ShardSpec(1, 4), ShardSpec.Resolve("1/4", null, env));
        Assert.Equal(new ShardSpec(1, 5), ShardSpec.Resolve(null, 5, env));
        Assert.Equal(new ShardSpec(2, 3), ShardSpec.Resolve(null, null, env));
        Assert.Null(ShardSpec.Resolve(null, null, Environment()));
        Assert.Null(ShardSpec.Resolve(null, null, Environment(("VMSPEC_SHARD", ""))));
    }

    [Fact]
    public void Shards_N_takes_a_Kubernetes_Indexed_Jobs_0_based_index_as_shard_index_plus_1()
    {
        Assert.Equal(new ShardSpec(3, 3), ShardSpec.Resolve(null, 3, Environment(("JOB_COMPLETION_INDEX", "2"))));
        Assert.Contains("shard 4 is not one of 1 to 3", Assert.Throws<ShardSpecException>(() => ShardSpec.Resolve(null, 3, Environment(("JOB_COMPLETION_INDEX", "3")))).Message);
        Assert.Contains("JOB_COMPLETION_INDEX=x is not a pod index", Assert.Throws<ShardSpecException>(() => ShardSpec.Resolve(null, 3, Environment(("JOB_COMPLETION_INDEX", "x")))).Message);
        Assert.Contains("which is not set", Assert.Throws<ShardSpecException>(() => ShardSpec.Resolve(null, 3, Environment())).Message);
    }

    [Fact]
    public void Shard_and_shards_together_are_refused() =>
        Assert.Contains("give one", Assert.Throws<ShardSpecException>(() => ShardSpec.Resolve("1/2", 2, Environment())).Message);

    [Fact]
    public void A_bad_VMSPEC_SHARD_is_refused_naming_the_variable() =>
        Assert.Contains("VMSPEC_SHARD 5/4", Assert.Throws<ShardSpecException>(() => ShardSpec.Resolve(null, null, Environment(("VMSPEC_SHARD", "5/4")))).Message);
}
