using System.Globalization;

namespace Vmspec.Cli.Sharding;

/// <summary>An unusable shard choice (<c>--shard 3/2</c>, <c>--shards 4</c> without JOB_COMPLETION_INDEX): the message says why.</summary>
internal sealed class ShardSpecException(string message) : Exception(message);

/// <summary>
/// Which part of the (case, host) matrix one <c>verify</c> runs: shard <see cref="Index"/> of <see cref="Count"/>, 1-based.
/// </summary>
internal sealed record ShardSpec(int Index, int Count)
{
    /// <summary><c>VMSPEC_SHARD=I/N</c>: the shard when neither <c>--shard</c> nor <c>--shards</c> is given.</summary>
    public const string EnvironmentVariable = "VMSPEC_SHARD";
    /// <summary>A Kubernetes Indexed Job's pod index, 0-based: <c>--shards N</c> takes shard index + 1 of N from it.</summary>
    public const string CompletionIndexVariable = "JOB_COMPLETION_INDEX";

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// The shard to run: <c>--shard I/N</c>; else <c>--shards N</c> with I = <c>JOB_COMPLETION_INDEX</c> + 1; else
    /// <c>VMSPEC_SHARD=I/N</c>; else null, the whole matrix. <c>--shard</c> and <c>--shards</c> together are refused.
    /// </summary>
    public static ShardSpec? Resolve(string? shard, int? shards, Func<string, string?> environment)
    {
        if (shard is not null && shards is not null)
            throw new ShardSpecException("--shard I/N and --shards N are alternatives: give one");
        if (shard is not null)
            return Parse(shard, "--shard");
        if (shards is { } count)
        {
            var index = environment(CompletionIndexVariable);
            if (string.IsNullOrEmpty(index))
                throw new ShardSpecException($"--shards {count} takes the shard from {CompletionIndexVariable} (a Kubernetes Indexed Job's pod index), "
                    + "which is not set; --shard I/N names it directly");
            if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int zeroBased) || zeroBased == int.MaxValue)
                throw new ShardSpecException($"{CompletionIndexVariable}={index} is not a pod index (0, 1, ...)");
            return Create(zeroBased + 1, count, $"--shards {count} with {CompletionIndexVariable}={index}");
        }
        return environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? Parse(fromEnvironment, EnvironmentVariable) : null;
    }

    /// <summary><c>I/N</c> with 1 ≤ I ≤ N; <paramref name="source"/> names where the text came from, for the error.</summary>
    public static ShardSpec Parse(string text, string source)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !TryCount(parts[0], out int index) || !TryCount(parts[1], out int count))
            throw new ShardSpecException($"{source} {text}: expected I/N, shard I of N counted from 1, e.g. 1/4");
        return Create(index, count, $"{source} {text}");
    }

    /// <summary>Shard <paramref name="index"/> of <paramref name="count"/>, refused unless 1 ≤ index ≤ count.</summary>
    public static ShardSpec Create(int index, int count, string source) =>
        count < 1 ? throw new ShardSpecException($"{source}: the number of shards must be at least 1")
        : index < 1 || index > count ? throw new ShardSpecException($"{source}: shard {index} is not one of 1 to {count}")
        : new ShardSpec(index, count);

    private static bool TryCount(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
