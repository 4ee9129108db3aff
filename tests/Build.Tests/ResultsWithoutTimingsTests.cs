using Vmspec.TestSupport;

namespace Vmspec.Build.Tests;

/// <summary>The lab image bench's comparison of a merged result with a host run: equal but for what timing decides.</summary>
public sealed class ResultsWithoutTimingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Results(string name, string status, string events)
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, $$"""
            { "runs": [ { "host": { "name": "debian-6.1", "bootMs": {{name.Length * 1000}}, "elapsedMs": 9 }, "cases": [ { "name": "faults", "status": "{{status}}",
              "durationMs": {{name.Length}}, "checks": [ { "name": "n", "figures": { "p50": {{name.Length}} } } ], "events": [ {{events}} ] } ] } ] }
            """);
        return path;
    }

    private const string GuestFirst = """{ "kind": "wakeup-all", "token": 1, "timeUs": 10, "source": "guest" }, { "kind": "wakeup-all", "token": 1, "timeUs": 12, "source": "trace" }""";
    private const string TraceFirst = """{ "kind": "wakeup-all", "token": 1, "timeUs": 3, "source": "trace" }, { "kind": "wakeup-all", "token": 1, "timeUs": 4, "source": "guest" }""";

    [Fact]
    public void Durations_figures_and_the_order_events_take_from_their_times_are_left_out()
    {
        Assert.Equal(Build.ResultsWithoutTimings(Results("host.json", "passed", GuestFirst)),
            Build.ResultsWithoutTimings(Results("merged-shards.json", "passed", TraceFirst)));
    }

    [Fact]
    public void A_verdict_or_an_event_that_differs_is_not()
    {
        var host = Build.ResultsWithoutTimings(Results("host.json", "passed", GuestFirst));

        Assert.NotEqual(host, Build.ResultsWithoutTimings(Results("failed.json", "failed", GuestFirst)));
        Assert.NotEqual(host, Build.ResultsWithoutTimings(Results("other.json", "passed", GuestFirst.Replace("\"token\": 1, \"timeUs\": 12", "\"token\": 2, \"timeUs\": 12", StringComparison.Ordinal))));
    }
}
