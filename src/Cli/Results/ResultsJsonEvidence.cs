using System.Text.Json;
using Vmspec.Runtime.AsyncPf.Oracle;

namespace Vmspec.Cli.Results;

/// <summary>
/// The parts of results.json that carry evidence rather than verdicts, written by <see cref="ResultsJsonWriter"/>:
/// a fault case's <c>events</c> (<c>{kind, token, timeUs, source}</c> in time order), a check's <c>rules</c> (the
/// oracle rule ids behind its expectation) and the top-level <c>rules</c> object that states each cited rule once
/// (<c>{"en-gate": {"statement": ..., "source": ...}}</c>, by id), so a report needs nothing but the file.
/// </summary>
internal static class ResultsJsonEvidence
{
    public static void WriteEvents(Utf8JsonWriter json, IReadOnlyList<CaseEvent> events)
    {
        if (events.Count == 0)
            return;
        json.WriteStartArray("events");
        foreach (var e in events)
        {
            json.WriteStartObject();
            json.WriteString("kind", e.Kind);
            json.WriteNumber("token", e.Token);
            json.WriteNumber("timeUs", e.TimeUs);
            json.WriteString("source", e.Source);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    public static void WriteRuleIds(Utf8JsonWriter json, IReadOnlyList<HostRule> rules)
    {
        if (rules.Count == 0)
            return;
        json.WriteStartArray("rules");
        foreach (var rule in rules)
            json.WriteStringValue(rule.Id);
        json.WriteEndArray();
    }

    /// <summary>Every rule a check cites, once, in id order; nothing when no check cites one.</summary>
    public static void WriteRules(Utf8JsonWriter json, VerifyReport report)
    {
        var rules = report.Runs.SelectMany(r => r.Cases).SelectMany(c => c.Checks).SelectMany(c => c.Rules)
            .DistinctBy(r => r.Id).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        if (rules.Count == 0)
            return;
        json.WriteStartObject("rules");
        foreach (var rule in rules)
        {
            json.WriteStartObject(rule.Id);
            json.WriteString("statement", rule.Statement);
            json.WriteString("source", rule.Source);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
