using System.Text.Encodings.Web;
using System.Text.Json;
using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Cli.Results;

/// <summary>
/// results.json: the host at the top, then per case name, status, checks, async #PF counts and
/// duration. Everything but durationMs is deterministic for the same specs on the same host.
/// </summary>
internal static class ResultsJsonWriter
{
    public static byte[] Write(VerifyReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("host");
            json.WriteString("flavour", report.HostFlavour);
            json.WriteBoolean("kvmAvailable", report.KvmAvailable);
            if (report.KvmUnavailableReason is not null)
                json.WriteString("reason", report.KvmUnavailableReason);
            json.WriteEndObject();
            json.WriteStartObject("summary");
            json.WriteNumber("passed", report.Count(Outcome.Passed));
            json.WriteNumber("failed", report.Count(Outcome.Failed));
            json.WriteNumber("skipped", report.Count(Outcome.Skipped));
            json.WriteEndObject();
            json.WriteStartArray("cases");
            foreach (var result in report.Cases)
                WriteCase(json, result);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
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
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("asyncPf");
        json.WriteNumber("pageNotPresent", result.AsyncPf.PageNotPresent);
        json.WriteNumber("pageReady", result.AsyncPf.PageReady);
        json.WriteNumber("wakeupAll", result.AsyncPf.WakeupAll);
        json.WriteEndObject();
        json.WriteNumber("durationMs", Math.Round(result.Duration.TotalMilliseconds, 3));
        json.WriteEndObject();
    }

    public static string Status(Outcome outcome) => outcome switch
    {
        Outcome.Passed => "passed",
        Outcome.Failed => "failed",
        _ => "skipped",
    };
}
