using System.Text.Json;
using Vmspec.Cli.Sharding;
using static Vmspec.Cli.Results.ResultsJsonFields;

namespace Vmspec.Cli.Results;

/// <summary>
/// A shard's results.json ends with its <c>shard</c> object: <c>{"index": I, "count": N, "vmspec": BUILD, "matrix": DIGEST,
/// "hosts": [...], "cases": [{"name", "guest", "plan", "cost"}]}</c>, the whole matrix the shards split, so that
/// <c>vmspec merge</c> can check the shards against each other and knows what a missing shard owed.
/// </summary>
internal static class ResultsJsonShard
{
    public const string Property = "shard";

    public static void Write(Utf8JsonWriter json, ShardRecord record)
    {
        json.WriteStartObject(Property);
        json.WriteNumber("index", record.Shard.Index);
        json.WriteNumber("count", record.Shard.Count);
        json.WriteString("vmspec", record.Vmspec);
        json.WriteString("matrix", record.Matrix.Digest);
        json.WriteStartArray("hosts");
        foreach (var host in record.Matrix.Hosts)
            json.WriteStringValue(host);
        json.WriteEndArray();
        json.WriteStartArray("cases");
        foreach (var matrixCase in record.Matrix.Cases)
        {
            json.WriteStartObject();
            json.WriteString("name", matrixCase.Name);
            json.WriteString("guest", matrixCase.Guest);
            json.WriteString("plan", matrixCase.Plan);
            json.WriteNumber("cost", matrixCase.Cost);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The <c>shard</c> object of <paramref name="root"/>, or null when there is none (an unsharded run).</summary>
    public static ShardRecord? Read(JsonElement root)
    {
        if (!root.TryGetProperty(Property, out var shard) || shard.ValueKind == JsonValueKind.Null)
            return null;
        if (shard.ValueKind != JsonValueKind.Object)
            throw Error("shard is not an object");
        var hosts = Array(shard, "hosts", Property).Select((host, i) => StringValue(host, $"{Property}.hosts[{i}]")).ToList();
        var cases = Array(shard, "cases", Property).Select((c, i) => new MatrixCase(String(c, "name", $"{Property}.cases[{i}]"),
            String(c, "guest", $"{Property}.cases[{i}]"), String(c, "plan", $"{Property}.cases[{i}]"), Int(c, "cost", $"{Property}.cases[{i}]"))).ToList();
        if (cases.Any(c => c.Cost < 1))
            throw Error("shard.cases: a cost is not positive");
        if (!InNameOrder(hosts) || !InNameOrder(cases.Select(c => c.Name).ToList()))
            throw Error("shard.hosts and shard.cases are not each in name order, once each");
        var matrix = new ShardMatrix(hosts, cases);
        var digest = String(shard, "matrix", Property);
        if (digest != matrix.Digest)
            throw Error($"shard.matrix is {digest}, but its hosts and cases hash to {matrix.Digest}");
        try
        {
            return new ShardRecord(ShardSpec.Create(Int(shard, "index", Property), Int(shard, "count", Property), Property), String(shard, "vmspec", Property), matrix);
        }
        catch (ShardSpecException e)
        {
            throw Error(e.Message);
        }
    }

    private static bool InNameOrder(List<string> names) =>
        names.SequenceEqual(names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private static FormatException Error(string message) => new($"results.json: {message}");
}
