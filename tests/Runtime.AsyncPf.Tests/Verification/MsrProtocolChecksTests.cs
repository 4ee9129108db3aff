using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Running;
using static Vmspec.Runtime.AsyncPf.Tests.Support.Reports;

namespace Vmspec.Runtime.AsyncPf.Tests.Verification;

public class MsrProtocolChecksTests
{
    private static readonly IReadOnlyList<GuestRam> Ram = [new GuestRam(0, 0x40_0000)];
    private static readonly OracleHost Open = new(0x1007efb, Enforced: false, InKernelLapic: true, Ram);
    private static readonly OracleHost Cleared = new(0, Enforced: true, InKernelLapic: true, Ram);

    private static readonly MsrAccess[] EnableThenRead =
    [
        MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0xec),
        MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0x6009),
        MsrAccess.Read(KvmPvMsrs.AsyncPfEn),
    ];

    private static List<GuestEvent> Observed(ulong writeFault, ulong readFault, ulong readValue, bool wakeup) =>
    [
        R(GuestReports.AccessIndex, 0), R(GuestReports.AccessFault, 0),
        R(GuestReports.AccessIndex, 1), R(GuestReports.AccessFault, writeFault),
        .. wakeup ? new GuestEvent[] { Interrupt(0xffffffff, 0xec) } : [],
        R(GuestReports.WakeupWait, 2),
        R(GuestReports.AccessIndex, 2), R(GuestReports.AccessFault, readFault), R(GuestReports.AccessValue, readValue),
        .. writeFault == 0 ? new GuestEvent[] { R(GuestReports.SlotToken, 0) } : [],
        new GuestDone(0),
    ];

    private static IReadOnlyList<Check> Verify(IReadOnlyList<MsrAccess> accesses, OracleHost host, List<GuestEvent> events, out EnableProtocolOracle oracle)
    {
        var run = new RunResult(RunVerdict.Completed, "done", events, null, TimeSpan.FromMilliseconds(1), 10);
        return MsrProtocolChecks.Verify(accesses, host, run, GuestObservations.Parse(events), out oracle);
    }

    [Fact]
    public void Accepted_enable_reads_back_and_queues_one_wakeup()
    {
        var checks = Verify(EnableThenRead, Open, Observed(0, 0, 0x6009, wakeup: true), out _);
        Assert.All(checks, c => Assert.Equal(Outcome.Passed, c.Status));
        var write = Assert.Single(checks, c => c.Name == "wrmsr MSR_KVM_ASYNC_PF_EN 0x6009");
        Assert.Equal("accepted [en-memslot, en-wakeup-all]", write.Expected);
        Assert.Contains(checks, c => c.Name == "wakeup-all: token of the first page-ready" && c.Observed == "0xffffffff");
    }

    [Fact]
    public void A_mismatch_carries_MSR_value_CPUID_and_enforcement()
    {
        // With the PV features cleared and enforced the oracle says #GP; the guest saw the write accepted.
        var checks = Verify(EnableThenRead, Cleared, Observed(0, 0, 0x6009, wakeup: true), out _);
        var write = Assert.Single(checks, c => c.Name == "wrmsr MSR_KVM_ASYNC_PF_EN 0x6009");
        Assert.Equal(Outcome.Failed, write.Status);
        Assert.Equal("#GP [en-gate]", write.Expected);
        Assert.Equal("accepted; wrmsr MSR_KVM_ASYNC_PF_EN 0x6009 with CPUID 0x40000001 EAX 0x0 [], enforcement on: expected #GP, observed accepted", write.Observed);
        Assert.Equal(Outcome.Failed, Assert.Single(checks, c => c.Name == "wakeup-all: count (oracle)").Status);
    }

    [Fact]
    public void Explicit_expectations_override_the_oracle()
    {
        MsrAccess[] accesses =
        [
            MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0xec),
            MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0x6009) with { Expect = AccessExpectation.Gp },
            MsrAccess.Read(KvmPvMsrs.AsyncPfEn) with { Expect = AccessExpectation.Accept, ReadBack = 0x6009 },
        ];
        var checks = Verify(accesses, Open, Observed(14, 0, 0x6009, wakeup: false), out _);
        var write = checks.Single(c => c.Name == "wrmsr MSR_KVM_ASYNC_PF_EN 0x6009");
        Assert.Equal(Outcome.Passed, write.Status);
        Assert.Equal("#GP (spec; oracle: accepted [en-memslot, en-wakeup-all])", write.Expected);
        Assert.Equal("#GP", write.Observed);
    }

    [Fact]
    public void A_wait_is_judged_by_whether_a_page_ready_arrived_and_its_iterations_are_a_figure()
    {
        var checks = Verify(EnableThenRead, Open, Observed(0, 0, 0x6009, wakeup: true), out _);
        var wait = Assert.Single(checks, c => c.Name == "wrmsr MSR_KVM_ASYNC_PF_EN 0x6009: wait");
        Assert.Equal(Outcome.Passed, wait.Status);
        Assert.Equal("a page-ready [en-wakeup-all, ready-rescan, page-ready, ready-injected, ack-any]", wait.Expected);
        Assert.Equal("a page-ready: 0xffffffff on 0xec", wait.Observed);
        Assert.Equal("2 iteration(s)", wait.Figures);

        var missed = Verify(EnableThenRead, Open, Observed(0, 0, 0x6009, wakeup: false), out _);
        Assert.Equal(Outcome.Failed, Assert.Single(missed, c => c.Name == "wrmsr MSR_KVM_ASYNC_PF_EN 0x6009: wait").Status);
        Assert.Equal(Outcome.Failed, Assert.Single(missed, c => c.Name == "interrupts (oracle)").Status);
    }

    [Fact]
    public void The_spec_can_state_a_waits_page_ready_against_the_oracle()
    {
        MsrAccess[] accesses = [EnableThenRead[0], EnableThenRead[1] with { ExpectPageReady = false }, EnableThenRead[2]];
        var checks = Verify(accesses, Open, Observed(0, 0, 0x6009, wakeup: false), out _);
        var wait = Assert.Single(checks, c => c.Name == "wrmsr MSR_KVM_ASYNC_PF_EN 0x6009: wait");
        Assert.Equal(Outcome.Passed, wait.Status);
        Assert.StartsWith("no page-ready (spec; oracle: a page-ready [", wait.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_left_in_the_slot_is_compared_with_the_oracle()
    {
        List<GuestEvent> events =
        [
            R(GuestReports.AccessIndex, 0), R(GuestReports.AccessFault, 0),
            R(GuestReports.AccessIndex, 1), R(GuestReports.AccessFault, 0),
            R(GuestReports.SlotToken, 0xffffffff), new GuestDone(0),
        ];
        var checks = Verify([EnableThenRead[0], EnableThenRead[1] with { Wait = false }], Open, events, out var oracle);
        var slot = Assert.Single(checks, c => c.Name == "slot: token at offset 4 at the end (oracle)");
        Assert.Equal(Outcome.Passed, slot.Status);
        Assert.Equal("0xffffffff", slot.Expected);
        Assert.Equal(KvmVcpuPvApfData.WakeupAllToken, oracle.SlotToken);
        Assert.DoesNotContain(checks, c => c.Name.EndsWith(": wait", StringComparison.Ordinal));
    }

    [Fact]
    public void Host_view_uses_the_guests_last_read()
    {
        var events = Observed(0, 0, 0x6009, wakeup: true);
        Verify(EnableThenRead, Open, events, out var oracle);
        var view = MsrProtocolChecks.HostView(EnableThenRead, GuestObservations.Parse(events), oracle, Open,
            msr => msr == KvmPvMsrs.AsyncPfEn ? 0x6009UL : 0x12, null, "");
        Assert.Equal(Outcome.Passed, view[0].Status);
        Assert.Equal("0x6009 (the guest's last read)", view[0].Expected);
        Assert.Equal(Outcome.Failed, view[1].Status); // the oracle holds 0xec, KVM said 0x12
    }

    public static TheoryData<GatedMsrHostRead?, bool, Outcome> GatedReads => new()
    {
        { null, true, Outcome.Skipped },
        { GatedMsrHostRead.Refused, true, Outcome.Passed },
        { GatedMsrHostRead.Refused, false, Outcome.Failed },
        { GatedMsrHostRead.ReadsZero, false, Outcome.Passed },
        { GatedMsrHostRead.ReadsZero, true, Outcome.Failed },
    };

    [Theory]
    [MemberData(nameof(GatedReads))]
    public void A_gated_MSR_is_judged_by_what_the_spec_states_for_this_host_kernel(GatedMsrHostRead? stated, bool refused, Outcome outcome)
    {
        var events = Observed(0, 0, 0x6009, wakeup: true);
        Verify(EnableThenRead, Cleared, events, out var oracle);
        var gated = MsrProtocolChecks.HostView(EnableThenRead, GuestObservations.Parse(events), oracle, Cleared,
            _ => refused ? throw new Runtime.Kvm.KvmException("KVM_GET_MSRS", "read 0 of 1 MSRs") : 0UL, stated, "when kernel >=6.12");
        Assert.Equal(2, gated.Count);
        Assert.All(gated, c => Assert.Equal(outcome, c.Status));
        if (stated is { } read)
            Assert.All(gated, c => Assert.EndsWith("; spec, when kernel >=6.12)", c.Expected));
    }
}
