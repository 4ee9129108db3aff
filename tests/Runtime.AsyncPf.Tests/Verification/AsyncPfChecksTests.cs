using Vmspec.Abi.Kvm;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Memory;
using Vmspec.Runtime.Running;
using static Vmspec.Runtime.AsyncPf.Tests.Support.Reports;

namespace Vmspec.Runtime.AsyncPf.Tests.Verification;

public class AsyncPfChecksTests
{
    private static readonly OracleHost Host = new(0x1007efb, Enforced: false, InKernelLapic: true, [new GuestRam(0, 0x40_0000)]);
    private static readonly TimeSpan HoldBound = TimeSpan.FromMilliseconds(2500);

    /// <summary>The events of a good 2-page CPL3 run: setup, wakeup-all, two faults each with its page-ready, results.</summary>
    private static List<GuestEvent> GoodRun(int pages = 2)
    {
        var events = new List<GuestEvent>
        {
            R(GuestReports.SetupIntFault, 0), R(GuestReports.SetupEnFault, 0),
            Interrupt(0xffffffff, 0xec), R(GuestReports.WakeupWait, 3),
        };
        for (uint p = 1; p <= pages; p++)
        {
            var notPresent = NotPresent(p << 12, p - 1).ToList();
            events.AddRange(notPresent.Take(3));
            events.Add(Interrupt(p << 12, 0xec));
            events.AddRange(notPresent.Skip(3));
        }
        for (ulong p = 0; p < (ulong)pages; p++)
            events.Add(R(GuestReports.PageValue, PagePattern.Quadword(p)));
        events.AddRange([R(GuestReports.AckCount, (ulong)pages + 1), R(GuestReports.TouchesDone, (ulong)pages),
            R(GuestReports.StartTsc, 1_000_000), R(GuestReports.EndTsc, 21_000_000), new GuestDone(0)]);
        return events;
    }

    private static IReadOnlyList<Vmspec.Runtime.AsyncPf.Verification.Check> Verify(List<GuestEvent> events, int pages = 2, KvmFlavour flavour = KvmFlavour.KvmPvm,
        int cpl = 3, IReadOnlyList<UserfaultEvent>? uffd = null)
    {
        var run = new RunResult(RunVerdict.Completed, "done", events, null, TimeSpan.FromMilliseconds(10), 40);
        return AsyncPfChecks.Verify(new AsyncPfRun(Setup(pages, cpl), flavour, Host, run, uffd ?? HeldAndReleased(pages), HoldBound),
            GuestObservations.Parse(events));
    }

    private static Vmspec.Runtime.AsyncPf.Verification.Check Named(IEnumerable<Vmspec.Runtime.AsyncPf.Verification.Check> checks, string prefix) =>
        Assert.Single(checks, c => c.Name.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public void A_good_run_passes_every_check_and_counts()
    {
        var events = GoodRun();
        var checks = Verify(events);
        Assert.All(checks, c => Assert.True(c.Status == Outcome.Passed, $"{c.Name}: expected {c.Expected}, observed {c.Observed}"));
        Assert.Equal(new AsyncPfCounts(2, 2, 1), GuestObservations.Parse(events).Counts);
        Assert.Contains("delivery (kvm_pvm)", string.Join('\n', checks.Select(c => c.Name)));
        // 2M cycles at (20M cycles / 10 ms) = 1 ms, shown with the spin count and the host's release-to-resolve time:
        // figures beside the verdict, so that the verdict's own text is the same on every run.
        var waited = Named(checks, "page 0: guest kept running");
        Assert.Contains("~1.000 ms", waited.Figures);
        Assert.Contains("100 spin iteration(s)", waited.Figures);
        Assert.Contains("resolved 1.000 ms after the release", waited.Figures);
        Assert.DoesNotContain("spin", waited.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public void One_spin_iteration_passes_when_the_handshake_happened()
    {
        // Under TCG the page-ready may arrive at the first instruction after the release: the verdict rests on
        // the handshake, never on how long the guest spun.
        var events = GoodRun();
        events[events.FindIndex(e => e is GuestReport { Kind: GuestReports.NotPresentSpin })] = R(GuestReports.NotPresentSpin, 1);
        var waited = Named(Verify(events), "page 0: guest kept running");
        Assert.Equal(Outcome.Passed, waited.Status);
        Assert.Contains("1 spin iteration(s)", waited.Figures);
    }

    [Fact]
    public void A_guest_that_never_releases_fails_with_the_hold_bound()
    {
        var events = GoodRun();
        events.RemoveAll(e => e is GuestPageRelease);
        var uffd = HeldAndReleased(2).Select((u, i) => u with
        {
            Resolution = i == 0 ? UserfaultResolution.HoldExpired : UserfaultResolution.HoldAbandoned,
            Released = null,
        }).ToArray();
        var checks = Verify(events, uffd: uffd);
        var first = Named(checks, "page 0: guest kept running");
        Assert.Equal(Outcome.Failed, first.Status);
        Assert.Contains("the guest released no page after this 'page not present'", first.Observed);
        Assert.Contains("the guest never released page 0: the host resolved it without the handshake when its 2.5 s hold bound ran out", first.Observed);
        var second = Named(checks, "page 1: guest kept running");
        Assert.Equal(Outcome.Failed, second.Status);
        Assert.Contains("it had stopped holding pages after an earlier page's hold bound ran out", second.Observed);
    }

    [Fact]
    public void A_release_with_interrupts_off_or_of_another_page_fails()
    {
        var events = GoodRun();
        int first = events.FindIndex(e => e is GuestPageRelease);
        events[first] = new GuestPageRelease(0, InterruptsEnabled: false);
        int second = events.FindLastIndex(e => e is GuestPageRelease);
        events[second] = new GuestPageRelease(0, InterruptsEnabled: true);
        var checks = Verify(events);
        Assert.Contains("IF was 0 at the guest's release (kvm_run.if_flag)", Named(checks, "page 0: guest kept running").Observed);
        Assert.Contains("the guest released page 0, not page 1", Named(checks, "page 1: guest kept running").Observed);
    }

    [Fact]
    public void A_page_the_host_did_not_hold_or_a_wait_ended_by_the_hang_guard_fails()
    {
        var events = GoodRun();
        events[events.FindIndex(e => e is GuestReport { Kind: GuestReports.NotPresentWaitEnd })] = R(GuestReports.NotPresentWaitEnd, 0);
        var uffd = HeldAndReleased(2).Select((u, i) => i == 1 ? u with { Resolution = UserfaultResolution.AfterDelay } : u).ToArray();
        var checks = Verify(events, uffd: uffd);
        var first = Named(checks, "page 0: guest kept running");
        Assert.Equal(Outcome.Failed, first.Status);
        Assert.Contains("the guest's wait ended by its hang guard, not by the page-ready for its token", first.Observed);
        var second = Named(checks, "page 1: guest kept running");
        Assert.Equal(Outcome.Failed, second.Status);
        Assert.Contains("the host did not hold page 1 for the handshake", second.Observed);
    }

    [Fact]
    public void Delivery_is_expected_only_when_the_oracle_says_so_and_the_enable_write_is_accepted()
    {
        Assert.True(AsyncPfChecks.ExpectDelivery(Setup(6), KvmFlavour.KvmAmd, Host).Delivered);
        Assert.False(AsyncPfChecks.ExpectDelivery(Setup(6, interrupts: false), KvmFlavour.KvmAmd, Host).Delivered);
        Assert.False(AsyncPfChecks.ExpectDelivery(Setup(6, cpl: 0), KvmFlavour.KvmAmd, Host).Delivered);
        // The EN write #GPs when the guest's CPUID hides ASYNC_PF_INT under enforcement: nothing can be delivered.
        var hidden = Host with { PvFeatures = 0, Enforced = true };
        Assert.False(AsyncPfChecks.ExpectDelivery(Setup(6), KvmFlavour.KvmAmd, hidden).Delivered);
    }

    [Fact]
    public void A_page_ready_without_its_token_leaves_the_fault_unpaired()
    {
        var events = GoodRun();
        int second = events.FindLastIndex(e => e is GuestReport { Kind: GuestReports.Interrupt });
        events[second] = Interrupt(0x5000, 0xec);
        var checks = Verify(events);
        var pairing = Named(checks, "tokens paired");
        Assert.Equal(Outcome.Failed, pairing.Status);
        Assert.Contains("token 0x2000: no 'page ready'", pairing.Observed);
        Assert.Contains("token 0x5000: 'page ready' without 'page not present'", pairing.Observed);
        Assert.Equal(Outcome.Failed, Named(checks, "page 1: page-ready").Status);
    }

    [Fact]
    public void A_duplicate_page_ready_is_reported()
    {
        var events = GoodRun();
        events.Insert(events.FindLastIndex(e => e is GuestReport { Kind: GuestReports.Interrupt }), Interrupt(0x2000, 0xec));
        var checks = Verify(events);
        Assert.Contains("token 0x2000: 2 'page ready'", Named(checks, "tokens paired").Observed);
        Assert.Equal(Outcome.Failed, Named(checks, "ACK writes").Status); // the guest ACKed 3, saw 4 with tokens
    }

    [Fact]
    public void A_page_ready_on_another_vector_fails()
    {
        var events = GoodRun();
        events[events.FindLastIndex(e => e is GuestReport { Kind: GuestReports.Interrupt })] = Interrupt(0x2000, 0xed);
        var checks = Verify(events);
        Assert.Equal(Outcome.Failed, Named(checks, "page 1: page-ready on vector 0xec").Status);
        Assert.Contains("vector 0xed token 0x2000", Named(checks, "interrupts only on vector 0xec").Observed);
    }

    [Fact]
    public void A_wrong_value_and_a_missing_release_are_found()
    {
        var events = GoodRun();
        events[events.FindIndex(e => e is GuestReport { Kind: GuestReports.PageValue })] = R(GuestReports.PageValue, 0);
        events.RemoveAt(events.FindIndex(e => e is GuestPageRelease));
        var checks = Verify(events);
        Assert.Equal(Outcome.Failed, Named(checks, "page 0: value read").Status);
        Assert.Equal(Outcome.Failed, Named(checks, "page 0: guest kept running").Status);
        Assert.Equal(Outcome.Passed, Named(checks, "page 1: value read").Status);
    }

    [Fact]
    public void CPL0_on_kvm_pvm_expects_no_delivery_but_correct_values()
    {
        var events = GoodRun().Where(e => e is not GuestReport { Kind: >= GuestReports.NotPresentCr2 and <= GuestReports.NotPresentWaitEnd }
            && e is not GuestPageRelease
            && !(e is GuestReport { Kind: GuestReports.Interrupt, Value: var v } && (uint)v != 0xffffffff)).ToList();
        events[events.FindIndex(e => e is GuestReport { Kind: GuestReports.AckCount })] = R(GuestReports.AckCount, 1);
        var checks = Verify(events, cpl: 0);
        Assert.All(checks, c => Assert.True(c.Status == Outcome.Passed, $"{c.Name}: {c.Expected} / {c.Observed}"));
        Assert.Contains("no [deliver-cpl]", Named(checks, "delivery").Expected);
        // The same events on hardware KVM with CPL0 lack SEND_ALWAYS too: still not delivered.
        Assert.Contains("no", Named(Verify(events, cpl: 0, flavour: KvmFlavour.KvmIntel), "delivery (kvm_intel)").Expected);
    }

    [Fact]
    public void A_failed_run_carries_its_formatted_verdict()
    {
        var events = GoodRun();
        events.RemoveAt(events.Count - 1);
        var run = new RunResult(RunVerdict.Timeout, "no verdict within 100 ms", events, null, TimeSpan.FromMilliseconds(100), 9);
        var checks = AsyncPfChecks.Verify(new AsyncPfRun(Setup(2), KvmFlavour.KvmPvm, Host, run, HeldAndReleased(2), HoldBound), GuestObservations.Parse(events));
        var check = Named(checks, "run:");
        Assert.Equal(Outcome.Failed, check.Status);
        Assert.Equal(run.Format(), check.Observed);
    }

    [Fact]
    public void Userfault_event_count_is_checked() =>
        Assert.Equal(Outcome.Failed, Named(Verify(GoodRun(), uffd: HeldAndReleased(1)), "userfaultfd events").Status);
}
