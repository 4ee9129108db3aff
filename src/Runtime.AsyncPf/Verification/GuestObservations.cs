using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>
/// One MSR access as the guest reported it: R11 (0 or vector + 1) and, for reads, the value; when a wait followed, its
/// iterations and the interrupts reported before its end (the guest takes interrupts only while it waits).
/// </summary>
public sealed record ObservedAccess(int Index, ulong Fault, ulong? Value, ulong? WaitIterations = null,
    IReadOnlyList<ObservedInterrupt>? WaitInterrupts = null)
{
    /// <summary>An interrupt whose handler found a token arrived during the wait (what ends the guest's spin).</summary>
    public bool PageReadyArrived => WaitInterrupts?.Any(i => i.Token != 0) ?? false;

    /// <summary><c>#GP</c>, <c>vector N</c>, <c>accepted</c> or the value read as <c>0x...</c>.</summary>
    public string Outcome => Fault switch
    {
        0 => Value is { } v ? $"0x{v:x}" : "accepted",
        ExceptionNames.GeneralProtection + 1 => "#GP",
        _ => $"{ExceptionNames.Name((uint)Fault - 1)}",
    };
}

/// <summary>An interrupt the guest took on a vector 16-255, with the token it found at offset 4 (0: slot empty).</summary>
public sealed record ObservedInterrupt(uint Token, byte Vector)
{
    public bool IsWakeupAll => Token == KvmVcpuPvApfData.WakeupAllToken;

    public bool IsPageReady => Token != 0 && !IsWakeupAll;

    /// <summary><c>0xffffffff on 0xec</c>, as the oracle's predicted interrupts read.</summary>
    public override string ToString() => $"0x{Token:x} on 0x{Vector:x2}";
}

/// <summary>
/// The guest released a userfaultfd page (<see cref="GuestPageRelease"/>); <paramref name="InterruptsEnabled"/> is
/// RFLAGS.IF at that OUT as KVM reported it, not as the guest claims it.
/// </summary>
public sealed record ObservedRelease(uint Page, bool InterruptsEnabled);

/// <summary>
/// A 'page not present' #PF: CR2 (the token), flags at offset 0, error code, the page the handler released while it
/// waited, whether its wait ended with the page-ready for its token, and the figures of that wait (spin iterations,
/// TSC cycles from the #PF to the page-ready).
/// </summary>
public sealed record ObservedNotPresent(ulong Cr2, uint Flags, uint ErrorCode, ulong? SpinIterations, ulong? Cycles,
    ObservedRelease? Release = null, bool? WaitEndedByPageReady = null);

/// <summary>
/// Everything the msr-protocol and async-pf guests reported, in order, decoded from the run's events. The n-th page
/// release belongs to the n-th 'page not present' (the #PF handler releases once per 'page not present', and the
/// async-pf guest's reports of it reach the host only after the run, <see cref="DeferredReports"/>, so the order of
/// events does not pair them); <see cref="Releases"/> keeps every release in order.
/// </summary>
public sealed record GuestObservations(
    IReadOnlyList<ObservedAccess> Accesses,
    IReadOnlyList<int> WakeupWaits,
    IReadOnlyList<ObservedInterrupt> Interrupts,
    IReadOnlyList<ObservedNotPresent> NotPresents,
    ulong? GenuinePageFaultCr2,
    ulong? SetupIntFault,
    ulong? SetupEnFault,
    IReadOnlyList<ulong> PageValues,
    ulong? AckCount,
    ulong? TouchesDone,
    ulong? StartTsc,
    ulong? EndTsc,
    IReadOnlyList<ObservedRelease> Releases,
    ulong? SlotToken)
{
    public AsyncPfCounts Counts => new(NotPresents.Count, Interrupts.Count(i => i.IsPageReady), Interrupts.Count(i => i.IsWakeupAll));

    public static GuestObservations Parse(IEnumerable<GuestEvent> events)
    {
        var accesses = new List<ObservedAccess>();
        var waits = new List<int>();
        var interrupts = new List<ObservedInterrupt>();
        var notPresents = new List<ObservedNotPresent>();
        var values = new List<ulong>();
        var releases = new List<ObservedRelease>();
        ulong? genuine = null, setupInt = null, setupEn = null, acks = null, touches = null, startTsc = null, endTsc = null, slot = null;
        foreach (var e in events)
        {
            if (e is GuestPageRelease release)
            {
                releases.Add(new ObservedRelease(release.PageIndex, release.InterruptsEnabled));
                continue;
            }
            if (e is not GuestReport report)
                continue;
            ulong value = report.Value;
            switch (report.Kind)
            {
                case GuestReports.AccessIndex: accesses.Add(new ObservedAccess((int)value, 0, null)); break;
                case GuestReports.AccessFault when accesses.Count > 0: accesses[^1] = accesses[^1] with { Fault = value }; break;
                case GuestReports.AccessValue when accesses.Count > 0: accesses[^1] = accesses[^1] with { Value = value }; break;
                case GuestReports.WakeupWait:
                    waits.Add((int)value);
                    if (accesses.Count > 0)
                        accesses[^1] = accesses[^1] with { WaitIterations = value, WaitInterrupts = accesses[^1].WaitInterrupts ?? [] };
                    break;
                case GuestReports.Interrupt:
                    var interrupt = new ObservedInterrupt((uint)value, (byte)(value >> 32));
                    interrupts.Add(interrupt);
                    if (accesses.Count > 0)
                        accesses[^1] = accesses[^1] with { WaitInterrupts = [.. accesses[^1].WaitInterrupts ?? [], interrupt] };
                    break;
                case GuestReports.SlotToken: slot = value; break;
                case GuestReports.NotPresentCr2: notPresents.Add(new ObservedNotPresent(value, 0, 0, null, null)); break;
                case GuestReports.NotPresentFlags when notPresents.Count > 0:
                    notPresents[^1] = notPresents[^1] with { Flags = (uint)value, ErrorCode = (uint)(value >> 32) }; break;
                case GuestReports.NotPresentSpin when notPresents.Count > 0: notPresents[^1] = notPresents[^1] with { SpinIterations = value }; break;
                case GuestReports.NotPresentCycles when notPresents.Count > 0: notPresents[^1] = notPresents[^1] with { Cycles = value }; break;
                case GuestReports.NotPresentWaitEnd when notPresents.Count > 0:
                    notPresents[^1] = notPresents[^1] with { WaitEndedByPageReady = value == 1 }; break;
                case GuestReports.GenuinePageFault: genuine = value; break;
                case GuestReports.SetupIntFault: setupInt = value; break;
                case GuestReports.SetupEnFault: setupEn = value; break;
                case GuestReports.PageValue: values.Add(value); break;
                case GuestReports.AckCount: acks = value; break;
                case GuestReports.TouchesDone: touches = value; break;
                case GuestReports.StartTsc: startTsc = value; break;
                case GuestReports.EndTsc: endTsc = value; break;
            }
        }
        for (int i = 0; i < Math.Min(notPresents.Count, releases.Count); i++)
            notPresents[i] = notPresents[i] with { Release = releases[i] };
        return new GuestObservations(accesses, waits, interrupts, notPresents, genuine, setupInt, setupEn, values, acks, touches, startTsc, endTsc, releases, slot);
    }
}
