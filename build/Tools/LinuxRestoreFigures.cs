using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vmspec.Build.Framework;

namespace Vmspec.Build.Tools;

/// <summary>
/// The restore-with-faults figures of one Linux case on one host, read from a results.json: the pages per second the
/// userfaultfd resolver filled (the figures of "workload pages evicted and read back"), the async #PFs per second and
/// the page-not-present count KVM's trace showed ("async #PFs taken by Linux"); null where the check has no such figure.
/// <see cref="Failure"/> is the case's first failed check as "name: observed" (a lab that timed out, a boot that died).
/// </summary>
internal sealed partial record LinuxRestoreFigures(string Host, string Case, string Status, double? PagesPerSecond,
    double? AsyncPfsPerSecond, int? PageNotPresent, string? Failure)
{
    public const string EvictedCheck = "workload pages evicted and read back", AsyncPfCheck = "async #PFs taken by Linux";

    public static IReadOnlyList<LinuxRestoreFigures> Parse(string resultsJson)
    {
        try
        {
            var figures = new List<LinuxRestoreFigures>();
            foreach (var run in JsonDocument.Parse(resultsJson).RootElement.GetProperty("runs").EnumerateArray())
            {
                var host = run.GetProperty("host").GetProperty("name").GetString()!;
                foreach (var result in run.GetProperty("cases").EnumerateArray())
                {
                    var checks = result.GetProperty("checks").EnumerateArray()
                        .ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
                    checks.TryGetValue(EvictedCheck, out var evicted);
                    checks.TryGetValue(AsyncPfCheck, out var asyncPf);
                    figures.Add(new LinuxRestoreFigures(host, result.GetProperty("name").GetString()!, result.GetProperty("status").GetString()!,
                        Rate(evicted, PagesRate()), Rate(asyncPf, AsyncPfRate()), Count(asyncPf), FirstFailure(checks.Values)));
                }
            }
            return figures;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BuildException($"not a vmspec results.json: {e.Message}");
        }
    }

    private static string? FirstFailure(IEnumerable<JsonElement> checks) =>
        checks.Where(c => c.GetProperty("status").GetString() == "failed")
            .Select(c => $"{c.GetProperty("name").GetString()}: {c.GetProperty("observed").GetString()!.Split('\n')[0]}")
            .FirstOrDefault();

    private static double? Rate(JsonElement check, Regex rate) =>
        check.ValueKind == JsonValueKind.Object && check.TryGetProperty("figures", out var f) && rate.Match(f.GetString()!) is { Success: true } m
            ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    private static int? Count(JsonElement check) =>
        check.ValueKind == JsonValueKind.Object && NotPresent().Match(check.GetProperty("observed").GetString()!) is { Success: true } m
            ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"^(\d+(?:\.\d+)?) pages/s$")]
    private static partial Regex PagesRate();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?) async #PFs/s$")]
    private static partial Regex AsyncPfRate();

    [GeneratedRegex(@"^(\d+) page-not-present,")]
    private static partial Regex NotPresent();
}
