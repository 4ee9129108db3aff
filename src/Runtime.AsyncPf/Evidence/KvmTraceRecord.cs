using System.Globalization;

namespace Vmspec.Runtime.AsyncPf.Evidence;

/// <summary>The kvm async #PF events of one trace, with their tokens.</summary>
public sealed record KvmTraceRecord(IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<ulong> NotPresentTokens, IReadOnlyList<ulong> ReadyTokens)
{
    public int Count(string traceEvent) => Counts.GetValueOrDefault(traceEvent);

    /// <summary>Parses trace lines such as <c>  t-12 [001] ..... 5.1: kvm_async_pf_ready: token 0x1000 gva 0x400000</c>.</summary>
    public static KvmTraceRecord Parse(IEnumerable<string> lines)
    {
        var counts = KvmTraceSession.Events.ToDictionary(e => e, _ => 0, StringComparer.Ordinal);
        var notPresent = new List<ulong>();
        var ready = new List<ulong>();
        foreach (var line in lines)
        {
            if (line.StartsWith('#'))
                continue;
            foreach (var traceEvent in KvmTraceSession.Events)
            {
                var marker = line.IndexOf($" {traceEvent}: ", StringComparison.Ordinal);
                if (marker < 0)
                    continue;
                counts[traceEvent]++;
                var fields = line[(marker + traceEvent.Length + 3)..];
                if (traceEvent == "kvm_async_pf_not_present" && Token(fields) is { } notPresentToken)
                    notPresent.Add(notPresentToken);
                if (traceEvent == "kvm_async_pf_ready" && Token(fields) is { } readyToken)
                    ready.Add(readyToken);
                break;
            }
        }
        return new KvmTraceRecord(counts, notPresent, ready);
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
}
