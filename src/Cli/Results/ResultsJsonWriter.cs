using System.Text.Encodings.Web;
using System.Text.Json;

namespace Vmspec.Cli.Results;

/// <summary>
/// results.json: <c>{"runs": [{"host": {...}, "summary": {...}, "cases": [...]}], "summary": {...}}</c>, one run per host
/// (a run on this machine alone is a list of one), in host name order; per case name, status, checks, async #PF counts and
/// duration; the evidence of <see cref="ResultsJsonEvidence"/>; a shard's <see cref="ResultsJsonShard"/>. Everything but durationMs, bootMs, elapsedMs and the events'
/// timeUs is deterministic for the same specs on the same hosts.
/// <see cref="ResultsJsonReader"/> reads it back.
/// </summary>
internal static class ResultsJsonWriter
{
    public static byte[] Write(VerifyReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("runs");
            foreach (var run in report.Runs)
            {
                json.WriteStartObject();
                WriteHost(json, run.Host);
                WriteSummary(json, run.Count(Outcome.Passed), run.Count(Outcome.Failed), run.Count(Outcome.Skipped));
                json.WriteStartArray("cases");
                foreach (var result in run.Cases)
                    WriteCase(json, result);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteSummary(json, report.Count(Outcome.Passed), report.Count(Outcome.Failed), report.Count(Outcome.Skipped));
            ResultsJsonEvidence.WriteRules(json, report);
            if (report.Shard is { } shard)
                ResultsJsonShard.Write(json, shard);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteHost(Utf8JsonWriter json, HostInfo host)
    {
        json.WriteStartObject("host");
        json.WriteString("name", host.Name);
        json.WriteString("mode", host.Mode);
        WriteStringOrNull(json, "kernelRelease", host.KernelRelease);
        WriteStringOrNull(json, "flavour", host.Flavour);
        if (host.IsLab)
        {
            WriteStringOrNull(json, "accel", host.Accel);
            WriteStringOrNull(json, "qemuVersion", host.QemuVersion);
        }
        json.WriteBoolean("kvmAvailable", host.KvmAvailable);
        if (host.Reason is not null)
            json.WriteString("reason", host.Reason);
        if (host.LabBoot is { } boot)
            json.WriteNumber("bootMs", Milliseconds(boot));
        if (host.LabElapsed is { } elapsed)
            json.WriteNumber("elapsedMs", Milliseconds(elapsed));
        if (host.LabStalls > 0)
            json.WriteNumber("labStalls", host.LabStalls);
        if (host.LabFailure is { } failure)
        {
            json.WriteStartObject("labFailure");
            json.WriteString("kind", failure.Kind);
            json.WriteString("error", failure.Error);
            if (failure.ExitCode is { } code)
                json.WriteNumber("exitCode", code);
            json.WriteStartArray("consoleTail");
            foreach (var line in failure.ConsoleTail)
                json.WriteStringValue(line);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, int passed, int failed, int skipped)
    {
        json.WriteStartObject("summary");
        json.WriteNumber("passed", passed);
        json.WriteNumber("failed", failed);
        json.WriteNumber("skipped", skipped);
        json.WriteEndObject();
    }

    private static void WriteCase(Utf8JsonWriter json, CaseResult result)
    {
        json.WriteStartObject();
        json.WriteString("name", result.Name);
        json.WriteString("guest", result.Guest);
        json.WriteString("status", Status(result.Status));
        if (result.Reason is not null)
            json.WriteString("reason", result.Reason);
        json.WriteStartArray("checks");
        foreach (var check in result.Checks)
        {
            json.WriteStartObject();
            json.WriteString("name", check.Name);
            json.WriteString("status", Status(check.Status));
            json.WriteString("expected", check.Expected);
            json.WriteString("observed", check.Observed);
            if (check.Figures is not null)
                json.WriteString("figures", check.Figures);
            ResultsJsonEvidence.WriteRuleIds(json, check.Rules);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("asyncPf");
        json.WriteNumber("pageNotPresent", result.AsyncPf.PageNotPresent);
        json.WriteNumber("pageReady", result.AsyncPf.PageReady);
        json.WriteNumber("wakeupAll", result.AsyncPf.WakeupAll);
        json.WriteEndObject();
        json.WriteNumber("durationMs", Milliseconds(result.Duration));
        ResultsJsonEvidence.WriteEvents(json, result.Events);
        json.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, value);
    }

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);

    public static string Status(Outcome outcome) => outcome switch
    {
        Outcome.Passed => "passed",
        Outcome.Failed => "failed",
        _ => "skipped",
    };
}
