namespace Vmspec.Cli.Sharding;

/// <summary>
/// What a shard's results.json says about the shard (its <c>shard</c> object), for <c>vmspec merge</c> to check: which
/// shard it is, which vmspec build ran it (<see cref="VmspecBuild"/>) and the whole matrix the shards split.
/// </summary>
internal sealed record ShardRecord(ShardSpec Shard, string Vmspec, ShardMatrix Matrix);
