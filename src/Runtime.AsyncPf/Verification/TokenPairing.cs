namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>Whether every 'page not present' token met exactly one 'page ready' with the same token, and vice versa.</summary>
public sealed record TokenPairing(bool Paired, IReadOnlyList<uint> Paired1To1, IReadOnlyList<string> Problems)
{
    public static TokenPairing Analyze(IReadOnlyList<ObservedNotPresent> notPresents, IReadOnlyList<ObservedInterrupt> interrupts) =>
        OfTokens(notPresents.Select(n => (uint)n.Cr2), interrupts.Where(i => i.IsPageReady).Select(i => i.Token));

    /// <summary>Pairs 'page not present' tokens with 'page ready' tokens (wakeup-alls excluded by the caller).</summary>
    public static TokenPairing OfTokens(IEnumerable<uint> notPresent, IEnumerable<uint> pageReady)
    {
        var notPresentTokens = notPresent.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        var readyTokens = pageReady.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        var problems = new List<string>();
        var paired = new List<uint>();
        foreach (var (token, count) in notPresentTokens.OrderBy(kv => kv.Key))
        {
            int ready = readyTokens.GetValueOrDefault(token);
            if (count > 1) problems.Add($"token 0x{token:x}: {count} 'page not present'");
            if (ready == 0) problems.Add($"token 0x{token:x}: no 'page ready'");
            else if (ready > 1) problems.Add($"token 0x{token:x}: {ready} 'page ready'");
            if (count == 1 && ready == 1) paired.Add(token);
        }
        foreach (var token in readyTokens.Keys.Where(t => !notPresentTokens.ContainsKey(t)).Order())
            problems.Add($"token 0x{token:x}: 'page ready' without 'page not present'");
        return new TokenPairing(problems.Count == 0, paired, problems);
    }

    public string Describe() => Paired ? $"{Paired1To1.Count} token(s) paired 1:1" : string.Join("; ", Problems);
}
