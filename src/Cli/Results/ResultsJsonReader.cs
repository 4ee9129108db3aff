using System.Text.Json;
using Vmspec.Runtime.AsyncPf.Oracle;
using static Vmspec.Cli.Results.ResultsJsonFields;

namespace Vmspec.Cli.Results;

/// <summary>
/// Reads what <see cref="ResultsJsonWriter"/> writes back into a <see cref="VerifyReport"/> (the summaries are recomputed,
/// not read). <see cref="JsonDocument"/> only: no reflection, so NativeAOT-safe. A file of another shape is a
/// <see cref="FormatException"/> naming the first thing that is wrong.
/// </summary>
internal static class ResultsJsonReader
{
    public static VerifyReport Read(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException e)
        {
            throw new FormatException($"results.json is not JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("results.json: the top level is not an object");
            var rules = ReadRules(root);
            return new VerifyReport(Array(root, "runs", "").Select((run, i) => ReadRun(run, $"runs[{i}]", rules)).ToList())
            {
                Shard = ResultsJsonShard.Read(root),
            };
        }
    }

    private static HostRun ReadRun(JsonElement run, string at, IReadOnlyDictionary<string, HostRule> rules)
    {
        var host = Object(run, "host", at);
        var hostAt = $"{at}.host";
        var info = new HostInfo(String(host, "name", hostAt), String(host, "mode", hostAt), OptionalString(host, "kernelRelease", hostAt),
            OptionalString(host, "flavour", hostAt), Boolean(host, "kvmAvailable", hostAt), OptionalString(host, "reason", hostAt))
        {
            Accel = OptionalString(host, "accel", hostAt),
            QemuVersion = OptionalString(host, "qemuVersion", hostAt),
            LabBoot = OptionalMilliseconds(host, "bootMs", hostAt),
            LabElapsed = OptionalMilliseconds(host, "elapsedMs", hostAt),
            LabStalls = host.TryGetProperty("labStalls", out var stalls) && stalls.ValueKind == JsonValueKind.Number ? stalls.GetInt32() : 0,
            LabFailure = host.TryGetProperty("labFailure", out var failure) && failure.ValueKind != JsonValueKind.Null
                ? ReadFailure(failure, $"{hostAt}.labFailure") : null,
        };
        return new HostRun(info, Array(run, "cases", at).Select((c, i) => ReadCase(c, $"{at}.cases[{i}]", rules)).ToList());
    }

    private static LabFailure ReadFailure(JsonElement failure, string at) => new(
        String(failure, "kind", at), String(failure, "error", at),
        failure.TryGetProperty("exitCode", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : null,
        Array(failure, "consoleTail", at).Select((line, i) => StringValue(line, $"{at}.consoleTail[{i}]")).ToList());

    private static CaseResult ReadCase(JsonElement result, string at, IReadOnlyDictionary<string, HostRule> rules)
    {
        var counts = Object(result, "asyncPf", at);
        return new CaseResult(
            String(result, "name", at),
            String(result, "guest", at),
            ParseStatus(String(result, "status", at), $"{at}.status"),
            Array(result, "checks", at).Select((check, i) =>
            {
                var checkAt = $"{at}.checks[{i}]";
                return new Check(String(check, "name", checkAt), ParseStatus(String(check, "status", checkAt), $"{checkAt}.status"),
                    String(check, "expected", checkAt), String(check, "observed", checkAt), OptionalString(check, "figures", checkAt))
                    { Rules = ReadRuleIds(check, checkAt, rules) };
            }).ToList(),
            new AsyncPfCounts(Int(counts, "pageNotPresent", $"{at}.asyncPf"), Int(counts, "pageReady", $"{at}.asyncPf"),
                Int(counts, "wakeupAll", $"{at}.asyncPf")),
            OptionalMilliseconds(result, "durationMs", at) ?? TimeSpan.Zero,
            OptionalString(result, "reason", at)) { Events = ReadEvents(result, at) };
    }

    /// <summary>The top-level <c>rules</c> object (absent when no check cites a rule).</summary>
    private static Dictionary<string, HostRule> ReadRules(JsonElement root)
    {
        var rules = new Dictionary<string, HostRule>(StringComparer.Ordinal);
        if (!root.TryGetProperty("rules", out var all))
            return rules;
        if (all.ValueKind != JsonValueKind.Object)
            throw new FormatException("results.json: rules is not an object");
        foreach (var rule in all.EnumerateObject())
            rules[rule.Name] = new HostRule(rule.Name, String(rule.Value, "statement", $"rules.{rule.Name}"), String(rule.Value, "source", $"rules.{rule.Name}"));
        return rules;
    }

    private static IReadOnlyList<HostRule> ReadRuleIds(JsonElement check, string at, IReadOnlyDictionary<string, HostRule> rules)
    {
        if (!check.TryGetProperty("rules", out _))
            return [];
        return Array(check, "rules", at).Select((id, i) =>
        {
            var name = StringValue(id, $"{at}.rules[{i}]");
            return rules.TryGetValue(name, out var rule) ? rule : throw new FormatException($"results.json: {at}.rules[{i}] is \"{name}\", not a rule of the top-level rules");
        }).ToList();
    }

    private static IReadOnlyList<CaseEvent> ReadEvents(JsonElement result, string at)
    {
        if (!result.TryGetProperty("events", out _))
            return [];
        return Array(result, "events", at).Select((e, i) =>
        {
            var eventAt = $"{at}.events[{i}]";
            var token = Property(e, "token", eventAt);
            return new CaseEvent(String(e, "kind", eventAt),
                token.ValueKind == JsonValueKind.Number && token.TryGetUInt32(out uint value) ? value : throw new FormatException($"results.json: {eventAt}.token is not a 32-bit token"),
                Number(e, "timeUs", eventAt),
                String(e, "source", eventAt));
        }).ToList();
    }

    public static Outcome ParseStatus(string status, string at) => status switch
    {
        "passed" => Outcome.Passed,
        "failed" => Outcome.Failed,
        "skipped" => Outcome.Skipped,
        _ => throw new FormatException($"results.json: {at} is \"{status}\", not passed, failed or skipped"),
    };
}
