using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Bench;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Tests.Support;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Host;
using Vmspec.TestSupport;
using static Vmspec.Abi.KvmPara.AsyncPfEnFlags;

namespace Vmspec.Runtime.AsyncPf.Tests.Cases;

/// <summary>The conformance subset on a real KVM; each skips with the host probe's reason where there is none.</summary>
public class CaseRunnerOnKvmTests
{
    private static HostReport Host() => KvmRequirement.RequireKvm();

    private static VmPlan Faults(string name, AsyncPfEnFlags bits, int cpl, bool interrupts, int delayMs = 2, ulong area = 0x6000,
        Expectations? hardware = null, Expectations? pvm = null) =>
        TestPlans.Plan(name, TestPlans.Guest(TestProgram.AsyncPf),
            asyncPf: new AsyncPfPlan(0xec, AsyncPfEn.Value(area, bits), RawEn: false, new FaultWorkload(6, (ulong)delayMs, (byte)cpl, interrupts)),
            hardware: hardware, pvm: pvm, timeoutMs: 20_000);

    private static VmPlan Msr(string name, bool enforce, CpuidPlan cpuid, params MsrAccess[] accesses) =>
        TestPlans.Plan(name, TestPlans.Guest(TestProgram.MsrProtocol, accesses), enforce: enforce, cpuid: cpuid, timeoutMs: 10_000);

    private static CaseResult Passes(VmPlan plan)
    {
        var result = CasePrograms.For(plan.Guest).Run(plan, Host(), Environment.CurrentDirectory);
        Assert.True(result.Status == Outcome.Passed,
            string.Join('\n', result.Checks.Where(c => c.Status == Outcome.Failed).Select(c => $"{c.Name}: expected {c.Expected}; observed {c.Observed}")));
        return result;
    }

    private static readonly Expectations SixDelivered = TestPlans.Expect(6, 6, 1, true, 0xec, true);
    private static readonly Expectations NoneDelivered = TestPlans.Expect(0, 0, canaryIntact: true);
    private static readonly Expectations NoneWithoutWakeup = TestPlans.Expect(0, 0, 0, canaryIntact: true);

    [Fact]
    public void Minimal_guest_sees_the_CPUID_set() =>
        Passes(TestPlans.Plan("minimal", TestPlans.Guest(TestProgram.Minimal), cpuid: TestPlans.Clear(KvmPvFeature.StealTime)));

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Six_real_async_page_faults_from_CPL3(int delayMs)
    {
        var result = Passes(Faults($"faults[delay={delayMs}]", Enabled | DeliveryAsInt, 3, true, delayMs, hardware: SixDelivered, pvm: SixDelivered));
        Assert.Equal(new AsyncPfCounts(6, 6, 1), result.AsyncPf);
        // That the guest ran while each page was missing is proved per fault by the handshake, not by a spin count.
        Assert.Equal(6, result.Checks.Count(c => c.Name.EndsWith("guest kept running while it waited (handshake)", StringComparison.Ordinal)
            && c.Status == Outcome.Passed));
    }

    [Fact]
    public void Enabled_alone_delivers_nothing() =>
        Passes(Faults("enabled-only", Enabled, 3, true, hardware: NoneWithoutWakeup, pvm: NoneWithoutWakeup));

    [Fact]
    public void Interrupts_off_get_nothing() =>
        Passes(Faults("if0", Enabled | DeliveryAsInt, 3, false, hardware: NoneDelivered, pvm: NoneDelivered));

    [Fact]
    public void CPL0_without_send_always_gets_nothing() =>
        Passes(Faults("cpl0", Enabled | DeliveryAsInt, 0, true, hardware: NoneDelivered, pvm: NoneDelivered));

    [Fact]
    public void CPL0_with_send_always_depends_on_the_flavour() =>
        Passes(Faults("cpl0-send-always", Enabled | DeliveryAsInt | SendAlways, 0, true, hardware: SixDelivered, pvm: NoneDelivered));

    [Theory]
    [InlineData(0x6fc0UL)]   // the last 64 bytes of a page
    [InlineData(0x3fffc0UL)] // the last 64 bytes of slot 0 (and of RAM)
    public void Data_area_at_the_end_of_a_page_or_slot(ulong area) =>
        Passes(Faults($"area[0x{area:x}]", Enabled | DeliveryAsInt, 3, true, area: area, hardware: SixDelivered, pvm: SixDelivered));

    [Theory]
    [InlineData(0x6019UL)]
    [InlineData(0x6029UL)]
    public void Reserved_enable_bits_general_protect(ulong value)
    {
        var result = Passes(Msr($"en-reserved[0x{value:x}]", false, CpuidPlan.HostOffers, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, value), MsrAccess.Read(KvmPvMsrs.AsyncPfEn)));
        Assert.Equal("#GP [en-reserved]", result.Checks.Single(c => c.Name == $"wrmsr MSR_KVM_ASYNC_PF_EN 0x{value:x}").Expected);
    }

    [Fact]
    public void Cleared_features_with_enforcement_general_protect_every_access() =>
        Passes(Msr("enforced-cleared", true, TestPlans.Clear(KvmPvFeature.AsyncPf, KvmPvFeature.AsyncPfInt, KvmPvFeature.AsyncPfVmexit),
            MsrAccess.Read(KvmPvMsrs.AsyncPfEn), MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0),
            MsrAccess.Read(KvmPvMsrs.AsyncPfInt), MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0),
            MsrAccess.Read(KvmPvMsrs.AsyncPfAck), MsrAccess.Write(KvmPvMsrs.AsyncPfAck, 0)));

    [Fact]
    public void Protocol_sequence_matches_the_oracle() =>
        Passes(Msr("enable-sequence", false, CpuidPlan.HostOffers,
            MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0xec), MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0x6009), MsrAccess.Read(KvmPvMsrs.AsyncPfEn),
            MsrAccess.Read(KvmPvMsrs.AsyncPfAck), MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0), MsrAccess.Read(KvmPvMsrs.AsyncPfInt)));

    [Fact]
    public void Fault_latency_bench_measures_every_fault()
    {
        var report = FaultLatencyBench.Run(16, Host());
        Assert.Null(report.Unavailable);
        Assert.Equal(16, report.SamplesMs.Count);
        Assert.True(report.MedianMs > 0 && report.P99Ms >= report.MedianMs);
        Assert.Equal(15, report.OnHost.PeriodsMs.Count);
        Assert.Equal(16, report.OnHost.LatenciesMs.Count);
        Assert.True(report.Exits > 2 * 16, $"{report.Exits} exits");
    }
}
