using System.Text.Json;
using Vmspec.Build.Framework;

namespace Vmspec.Build.Tools;

/// <summary>
/// One side of the async #PF fault benchmark, as <c>vmspec bench faults</c> and <c>kvm-baseline faults</c> print it.
/// Both time the exits of their guest's reports on CLOCK_MONOTONIC: <see cref="Periods"/> from one fault's 'page not
/// present' to the next one's (the whole cost of a fault), <see cref="Latencies"/> from a 'page not present' to its
/// 'page ready'; <see cref="TotalMs"/> and <see cref="Exits"/> are the KVM_RUN loop's. vmspec's guest also measures
/// the latency itself with its TSC (<see cref="GuestTscLatencies"/>), which the C guest does not.
/// </summary>
internal sealed record FaultMeasurement(int Faults, Timing Periods, Timing Latencies, double TotalMs, long Exits, Timing? GuestTscLatencies)
{
    public double RunMsPerFault => TotalMs / Faults;
    public double ExitsPerFault => (double)Exits / Faults;

    public static FaultMeasurement Parse(string json)
    {
        try
        {
            var root = JsonDocument.Parse(json).RootElement;
            return new FaultMeasurement(root.GetProperty("faults").GetInt32(), Samples(root, "periodsMs"), Samples(root, "latenciesMs"),
                root.GetProperty("totalMs").GetDouble(), root.GetProperty("exits").GetInt64(),
                root.TryGetProperty("guestTscLatenciesMs", out _) ? Samples(root, "guestTscLatenciesMs") : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new BuildException($"not a fault benchmark's JSON: {e.Message}");
        }
    }

    private static Timing Samples(JsonElement root, string name)
    {
        var samples = root.GetProperty(name).EnumerateArray().Select(s => s.GetDouble()).ToList();
        return samples.Count > 0 ? new Timing(samples) : throw new InvalidOperationException($"{name} is empty");
    }
}
