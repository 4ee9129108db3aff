using System.Globalization;
using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Evidence;

/// <summary>
/// One traced event in order: its name, the trace clock's timestamp in seconds, and the token it names (for
/// <c>kvm_msr</c>, the MSR write of <c>MSR_KVM_ASYNC_PF_ACK</c>, none).
/// </summary>
public sealed record KvmTraceEvent(string Name, double TimestampSeconds, ulong? Token);

/// <summary>The kvm async #PF events of one trace, with their tokens and, in <see cref="Timeline"/>, their times.</summary>
public sealed record KvmTraceRecord(IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<ulong> NotPresentTokens, IReadOnlyList<ulong> ReadyTokens)
{
    public IReadOnlyList<KvmTraceEvent> Timeline { get; init; } = [];

    /// <summary>
    /// True when the timestamps are CLOCK_MONOTONIC (the instance's trace_clock was <c>mono</c>), the clock of
    /// <see cref="Runtime.Running.RunResult.EventTimestamps"/>; otherwise they only order this trace's events.
    /// </summary>
    public bool MonotonicClock { get; init; }

    public int Count(string traceEvent) => Counts.GetValueOrDefault(traceEvent);

    /// <summary>Parses trace lines such as <c>  t-12 [001] ..... 5.1: kvm_async_pf_ready: token 0x1000 gva 0x400000</c>.</summary>
    public static KvmTraceRecord Parse(IEnumerable<string> lines)
    {
        var counts = KvmTraceSession.Events.ToDictionary(e => e, _ => 0, StringComparer.Ordinal);
        var notPresent = new List<ulong>();
        var ready = new List<ulong>();
        var timeline = new List<KvmTraceEvent>();
        foreach (var line in lines)
        {
            if (line.StartsWith('#'))
                continue;
            foreach (var traceEvent in KvmTraceSession.Events)
            {
                var marker = line.IndexOf($" {traceEvent}: ", StringComparison.Ordinal);
                if (marker < 0)
                    continue;
                var fields = line[(marker + traceEvent.Length + 3)..];
                if (traceEvent == KvmTraceSession.MsrEvent && !IsAckWrite(fields))
                    break;
                counts[traceEvent]++;
                ulong? token = traceEvent == KvmTraceSession.MsrEvent ? null : Token(fields);
                if (traceEvent == "kvm_async_pf_not_present" && token is { } notPresentToken)
                    notPresent.Add(notPresentToken);
                if (traceEvent == "kvm_async_pf_ready" && token is { } readyToken)
                    ready.Add(readyToken);
                if (Timestamp(line[..marker]) is { } seconds)
                    timeline.Add(new KvmTraceEvent(traceEvent, seconds, token));
                break;
            }
        }
        return new KvmTraceRecord(counts, notPresent, ready) { Timeline = timeline };
    }

    private static ulong? Token(string fields)
    {
        const string prefix = "token 0x";
        if (!fields.StartsWith(prefix, StringComparison.Ordinal))
            return fields.StartsWith("token 0 ", StringComparison.Ordinal) ? 0 : null;
        var end = fields.IndexOf(' ', prefix.Length);
        var hex = end < 0 ? fields[prefix.Length..] : fields[prefix.Length..end];
        return ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var token) ? token : null;
    }

    /// <summary><c>msr_write 4b564d07 = 0x1</c>: the session filters kvm_msr to this MSR, but a trace read by hand may not be.</summary>
    private static bool IsAckWrite(string fields) =>
        fields.StartsWith($"msr_write {KvmPvMsrs.AsyncPfAck:x} ", StringComparison.Ordinal) && !fields.EndsWith("(#GP)", StringComparison.Ordinal);

    /// <summary>The last field before the event name: <c>1201.000101:</c>.</summary>
    private static double? Timestamp(string head)
    {
        var field = head.TrimEnd().TrimEnd(':');
        field = field[(field.LastIndexOf(' ') + 1)..];
        return double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }
}
