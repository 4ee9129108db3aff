using System.Buffers.Binary;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>
/// The async-pf guest's <see cref="ReportLog"/> read back after the run: its entries become reports inserted before
/// the event that ended the run (where the guest would have sent them at its finish), so <see cref="GuestObservations"/>
/// and <see cref="CaseEvents"/> read them like live ones.
/// Their host time (for the fault timelines): the entry's TSC mapped linearly between the clock pairs either side.
/// A pair is a guest TSC and the host's stamp of an exit that followed it by a few instructions: each page release
/// with the <see cref="GuestReports.ReleaseTsc"/> entry the #PF handler appended just before it (the n-th with the
/// n-th), and the live <see cref="GuestReports.ClockTsc"/> and <see cref="GuestReports.EndTsc"/> reports (TSC read just
/// before the report). A pair per fault, not just two for the run, because under the lab's TCG the guest TSC does not
/// advance evenly with the host's clock. Without two pairs the run keeps no event times rather than guessed ones.
/// </summary>
public static class DeferredReports
{
    public static RunResult Merge(RunResult run, Vm vm)
    {
        var variables = GuestVariables.For(vm.Config.Layout);
        ulong cursor = BinaryPrimitives.ReadUInt64LittleEndian(vm.Memory.Span((ulong)variables.LogCursor, sizeof(ulong)));
        if (cursor is <= ReportLog.Base or > ReportLog.End)
            return run;
        var entries = new List<(GuestReport Report, ulong Tsc)>();
        for (ulong at = ReportLog.Base; at + ReportLog.EntrySize <= cursor; at += ReportLog.EntrySize)
        {
            var entry = vm.Memory.Span(at, ReportLog.EntrySize);
            entries.Add((new GuestReport(BinaryPrimitives.ReadUInt32LittleEndian(entry),
                BinaryPrimitives.ReadUInt64LittleEndian(entry[8..])), BinaryPrimitives.ReadUInt64LittleEndian(entry[16..])));
        }

        var events = run.Events.ToList();
        int insertAt = events.Count > 0 && events[^1].EndsRun ? events.Count - 1 : events.Count;
        events.InsertRange(insertAt, entries.Select(e => (GuestEvent)e.Report));
        var clock = run.EventTimestamps.Count == run.Events.Count ? HostClock(run, entries) : null;
        if (clock is null)
            return run with { Events = events, EventTimestamps = [] };
        var times = run.EventTimestamps.ToList();
        times.InsertRange(insertAt, entries.Select(e => clock(e.Tsc)));
        return run with { Events = events, EventTimestamps = times };
    }

    /// <summary>
    /// Guest TSC → host Stopwatch ticks, linear between the clock pairs either side (extrapolated beyond the first and
    /// last), or null without two pairs of distinct TSC.
    /// </summary>
    private static Func<ulong, long>? HostClock(RunResult run, IReadOnlyList<(GuestReport Report, ulong Tsc)> entries)
    {
        var stamped = run.Events.Select((e, i) => (Event: e, Ticks: run.EventTimestamps[i])).ToList();
        var live = stamped
            .Where(p => p.Event is GuestReport { Kind: GuestReports.ClockTsc or GuestReports.EndTsc })
            .Select(p => (Tsc: ((GuestReport)p.Event).Value, p.Ticks));
        var releases = entries.Where(e => e.Report.Kind == GuestReports.ReleaseTsc).Select(e => e.Tsc)
            .Zip(stamped.Where(p => p.Event is GuestPageRelease).Select(p => p.Ticks), (tsc, ticks) => (Tsc: tsc, Ticks: ticks));
        var pairs = live.Concat(releases).DistinctBy(p => p.Tsc).OrderBy(p => p.Tsc).ToList();
        if (pairs.Count < 2)
            return null;
        return tsc =>
        {
            int right = pairs.FindIndex(p => p.Tsc >= tsc);
            right = right < 0 ? pairs.Count - 1 : Math.Max(right, 1);
            var (tsc0, ticks0) = pairs[right - 1];
            var (tsc1, ticks1) = pairs[right];
            return ticks0 + (long)Math.Round(((double)tsc - tsc0) * (ticks1 - ticks0) / (tsc1 - tsc0));
        };
    }
}
