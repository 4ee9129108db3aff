using System.Buffers.Binary;
using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>
/// The checks of a booted Linux guest, from the host's side only: /init's status on its own port, the guest's
/// MSR_KVM_ASYNC_PF_EN / _INT read with KVM_GET_MSRS, the data area at EN's GPA next to the kernel's BTF layout, and,
/// with a workload, the async #PFs KVM's trace shows and the pages the guest read back.
/// </summary>
public static class LinuxChecks
{
    /// <summary>HYPERVISOR_CALLBACK_VECTOR, which Linux writes to MSR_KVM_ASYNC_PF_INT.</summary>
    public const byte LinuxPageReadyVector = 0xf3;

    private const int ConsoleTailLines = 40;

    public static IEnumerable<Check> Boot(LinuxBootObservation o, uint workloadPages)
    {
        bool greeted = o.Console.Contains(WorkloadInit.Greeting.TrimEnd('\n'), StringComparison.Ordinal);
        var done = o.Run.Events.OfType<GuestDone>().FirstOrDefault();
        string expected = $"/init reports status {WorkloadInit.StatusOk} on the Done port";
        if (!o.Run.Succeeded || done is null)
        {
            yield return new Check("boot to /init", Outcome.Failed, expected, $"{o.Run.Format()}\n{Diagnostics(o)}") { Required = true };
            yield break;
        }
        string figures = $"{o.Run.Elapsed.TotalSeconds:0.0} s, {o.Run.Exits} exits";
        yield return new Check("boot to /init", done.Status == WorkloadInit.StatusOk ? Outcome.Passed : Outcome.Failed, expected,
            $"status {done.Status}{(greeted ? ", greeting on the console" : ", no greeting on the console")}"
            + (done.Status == WorkloadInit.StatusOk ? "" : $"\n{Diagnostics(o)}"), figures) { Required = true };
    }

    public static IEnumerable<Check> AsyncPfEnabled(LinuxBootObservation o, bool expectEnabled)
    {
        if (o.AsyncPfEn is not { } en || o.AsyncPfInt is not { } vector)
        {
            yield return new Check("guest enables async #PF", Outcome.Failed, "EN and INT readable", "KVM_GET_MSRS refused MSR_KVM_ASYNC_PF_EN/INT");
            yield break;
        }
        var flags = AsyncPfEn.Flags(en);
        ulong gpa = AsyncPfEn.Gpa(en);
        const AsyncPfEnFlags required = AsyncPfEnFlags.Enabled | AsyncPfEnFlags.DeliveryAsInt;
        string observed = $"EN = 0x{en:x} ({Describe(flags)}, GPA 0x{gpa:x})";
        if (!expectEnabled)
        {
            yield return new Check("guest enables async #PF", (flags & AsyncPfEnFlags.Enabled) == 0 ? Outcome.Passed : Outcome.Failed, "EN not enabled", observed);
            yield break;
        }
        bool inRam = gpa + KvmVcpuPvApfData.Size <= o.RamSize;
        bool ok = (flags & required) == required && (en & AsyncPfEn.ReservedBits) == 0 && inRam;
        yield return new Check("guest enables async #PF (MSR_KVM_ASYNC_PF_EN)", ok ? Outcome.Passed : Outcome.Failed,
            "64-byte aligned GPA inside RAM | enabled | delivery-as-int", observed + (inRam ? "" : $", outside RAM (0x{o.RamSize:x})"));
        yield return Check.Compare("page-ready vector (MSR_KVM_ASYNC_PF_INT)", $"0x{LinuxPageReadyVector:x}", $"0x{vector:x}");
    }

    /// <summary>
    /// The area at EN's GPA after the run, next to the layout the kernel's BTF gives: flags and token 0 (every event
    /// consumed), pad zero, and for the legacy 68-byte struct the guest's own <c>enabled</c> = 1 at offset 64.
    /// </summary>
    public static Check Layout(LinuxBootObservation o, string btfVerdict)
    {
        const string name = "data area at EN's GPA (layout)";
        if (o.AreaAfterRun is not { } area)
            return new Check(name, Outcome.Failed, $"{btfVerdict} (BTF)", "EN names no area inside RAM");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(area);
        uint token = BinaryPrimitives.ReadUInt32LittleEndian(area.AsSpan(4));
        bool padZero = area.AsSpan(8, 56).IndexOfAnyExcept((byte)0) < 0;
        uint at64 = BinaryPrimitives.ReadUInt32LittleEndian(area.AsSpan(64));
        string observed = $"flags 0x{flags:x}, token 0x{token:x}, bytes 8-63 {(padZero ? "zero" : "not zero")}, u32 at +64 = 0x{at64:x}";
        bool legacy = btfVerdict == ApfDataLayouts.Legacy68.Name;
        bool ok = flags == 0 && token == 0 && padZero && (!legacy || at64 == 1);
        string expected = legacy
            ? $"{btfVerdict} (BTF): flags 0, token 0, pad zero, the guest's 'enabled' = 1 at +64"
            : $"{btfVerdict} (BTF): flags 0, token 0, pad zero; +64 lies outside the struct";
        return new Check(name, ok ? Outcome.Passed : Outcome.Failed, expected, observed);
    }

    /// <summary>Bytes 8-63 of the area are the same before the faults and after the run: KVM wrote only flags and token.</summary>
    public static Check HostWritesOnlyFlagsAndToken(LinuxBootObservation o)
    {
        const string name = "abi: host wrote only bytes 0-7";
        const string expected = "bytes 8-63 unchanged across the faults";
        if (o.AreaBeforeFaults is not { } before || o.AreaAfterRun is not { } after)
            return new Check(name, Outcome.Failed, expected, "the area was not readable before the eviction and after the run");
        var changed = Enumerable.Range(8, 56).Where(i => before[i] != after[i]).Select(i => $"+{i}: 0x{before[i]:x2} -> 0x{after[i]:x2}").ToList();
        return new Check(name, changed.Count == 0 ? Outcome.Passed : Outcome.Failed, expected,
            changed.Count == 0 ? "unchanged" : string.Join("; ", changed.Take(16)));
    }

    /// <summary>The workload: every page found and evicted, read back right, and the async #PFs KVM's trace shows.</summary>
    /// <param name="takesAsyncPf">The expectation on the trace: true = some async #PFs, all paired and ACKed; false = none; null = shown, not judged.</param>
    public static IEnumerable<Check> Workload(LinuxBootObservation o, uint pages, bool? takesAsyncPf)
    {
        var eviction = o.Eviction;
        ulong? wrong = o.Reports(GuestReports.WorkloadMismatches).Cast<ulong?>().FirstOrDefault();
        string restored = $"{o.Restored.Count} page(s) restored through userfaultfd";
        string? rate = RestoreRate(o.Restored);
        bool passed = eviction is { Problem: null } && wrong == 0 && o.ResolverFailure is null;
        yield return new Check("workload pages evicted and read back", passed ? Outcome.Passed : Outcome.Failed,
            $"{pages} pages found in RAM, evicted, read back right",
            eviction is null ? "the guest never asked for the eviction"
            : $"{eviction.PagesFound} of {eviction.PagesAnnounced} found{(eviction.Problem is { } p ? $" ({p})" : "")}; "
              + (wrong is { } w ? $"{w} page(s) wrong" : "no read-back report") + $"; {restored}"
              + (o.ResolverFailure is { } failure ? $"; the userfaultfd resolver failed, later pages read as zeros: {failure}" : ""),
            rate) { Required = true };

        string expected = takesAsyncPf switch
        {
            true => "page-not-present > 0, each paired with a page-ready of its token, the guest ACKs page-ready",
            false => "no page-not-present",
            null => "not checked",
        };
        if (o.Trace is not { } trace)
        {
            yield return takesAsyncPf is null
                ? Check.Skip("async #PFs taken by Linux", expected, o.TraceUnavailable ?? "no trace")
                : Check.SkipRequired("async #PFs taken by Linux", expected, o.TraceUnavailable ?? "no trace");
            yield break;
        }
        var pairing = TokenPairing.OfTokens(trace.NotPresentTokens.Select(t => (uint)t),
            trace.ReadyTokens.Select(t => (uint)t).Where(t => t != KvmVcpuPvApfData.WakeupAllToken));
        int notPresent = trace.NotPresentTokens.Count;
        int acks = trace.Count(Evidence.KvmTraceSession.MsrEvent);
        bool taken = notPresent > 0 && pairing.Paired && acks > 0;
        var status = takesAsyncPf switch
        {
            true => taken ? Outcome.Passed : Outcome.Failed,
            false => notPresent == 0 ? Outcome.Passed : Outcome.Failed,
            null => Outcome.Skipped,
        };
        yield return new Check("async #PFs taken by Linux", status, expected,
            $"{notPresent} page-not-present, {pairing.Describe()}, {acks} ACK write(s)", AsyncPfRate(trace));
    }

    private static string Diagnostics(LinuxBootObservation o)
    {
        var lines = o.Console.Split('\n');
        var tail = lines.Skip(Math.Max(0, lines.Length - ConsoleTailLines));
        var unknown = o.UnclaimedIo.Where(a => a.Known is null).Select(UnclaimedIo.Describe).ToList();
        var reports = o.Run.Reports.Select(r => $"0x{r.Kind:x}=0x{r.Value:x}");
        return $"console (last {ConsoleTailLines} lines):\n  {string.Join("\n  ", tail)}\n"
            + $"/init's reports (kind=value): {string.Join(", ", reports)}\n"
            + (o.Eviction is { } e ? $"eviction: {e.PagesFound} of {e.PagesAnnounced} pages found{(e.Problem is { } p ? $" ({p})" : "")}, {o.Restored.Count} restored\n" : "")
            + $"I/O vmspec does not emulate, not a known PC probe: {(unknown.Count == 0 ? "none" : string.Join("; ", unknown))}";
    }

    private static string Describe(AsyncPfEnFlags flags) =>
        flags == AsyncPfEnFlags.None ? "no flags"
        : string.Join(" | ", AsyncPfEn.FlagNames.Where(f => flags.HasFlag(f.Value)).Select(f => f.Key));

    private static string? RestoreRate(IReadOnlyList<Memory.RestoredPage> restored)
    {
        if (restored.Count < 2) return null;
        double seconds = (restored[^1].Restored - restored[0].Received).TotalSeconds;
        return seconds > 0 ? $"{restored.Count / seconds:0} pages/s" : null;
    }

    private static string? AsyncPfRate(Evidence.KvmTraceRecord trace)
    {
        var notPresent = trace.Timeline.Where(e => e.Name == "kvm_async_pf_not_present").ToList();
        if (notPresent.Count < 2) return null;
        double seconds = notPresent[^1].TimestampSeconds - notPresent[0].TimestampSeconds;
        return seconds > 0 ? $"{notPresent.Count / seconds:0} async #PFs/s" : null;
    }
}
