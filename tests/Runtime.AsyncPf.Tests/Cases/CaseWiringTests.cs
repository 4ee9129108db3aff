using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.Plans.Hosts;
using Vmspec.Runtime.AsyncPf.Bench;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.AsyncPf.Tests.Support;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Host;
using Vmspec.Runtime.Kvm;

namespace Vmspec.Runtime.AsyncPf.Tests.Cases;

public class CaseWiringTests
{
    private static VmPlan Case(TestProgram program, ulong memory = 0x40_0000, CpuidPlan? cpuid = null,
        Expectations? hardware = null, Expectations? pvm = null) =>
        TestPlans.Plan("c", TestPlans.Guest(program, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0x3fffc9)), memory, enforce: true, cpuid,
            Reports.Setup(6), hardware, pvm);

    [Fact]
    public void The_oracle_sees_the_PV_features_after_the_cases_edits()
    {
        var offered = new[] { new KvmCpuidEntry2 { Function = KvmPvFeatures.Leaf, Eax = 0x1007efb } };
        var plan = Case(TestProgram.MsrProtocol, cpuid: TestPlans.Clear(KvmPvFeature.AsyncPfInt));
        var machine = CaseMachine.Plan(plan, MsrProtocolProgram.Instance);
        var table = new CpuidTable(offered).ApplyAll(machine.ToConfig(plan).CpuidEdits); // as VmBuilder does
        var host = OracleWiring.Host(plan.Machine, table, machine.Ram);
        Assert.Equal(0x1007efbu & ~(1u << 14), host.PvFeatures);
        Assert.True(host.Enforced);
        Assert.True(host.InKernelLapic);
        Assert.False(host.Has(KvmPvFeature.AsyncPfInt));
        Assert.True(host.IsRam(0x3fffc0, 8));
    }

    [Fact]
    public void Async_pf_machine_has_the_userfault_slot_at_4_MiB_and_the_canary_at_the_area()
    {
        var machine = CaseMachine.Plan(Case(TestProgram.AsyncPf), AsyncPfProgram.Instance);
        Assert.Equal(new UserfaultRegion(0x40_0000, 6 * 4096, TimeSpan.FromMilliseconds(2)), machine.Userfault);
        Assert.Equal([new GuestRam(0, 0x40_0000), new GuestRam(0x40_0000, 6 * 4096)], machine.Ram);
        Assert.Equal([0x6000UL], machine.Canary.Areas);
        // Bigger RAM pushes the slot to the next 2 MiB boundary.
        Assert.Equal(0x80_0000UL, CaseMachine.Plan(Case(TestProgram.AsyncPf, memory: 0x70_0000), AsyncPfProgram.Instance).Userfault?.Base);
    }

    [Fact]
    public void MSR_protocol_canary_clips_at_the_end_of_RAM()
    {
        var machine = CaseMachine.Plan(Case(TestProgram.MsrProtocol), MsrProtocolProgram.Instance);
        Assert.Null(machine.Userfault);
        Assert.Equal([0x3fffc0UL], machine.Canary.Areas);
        Assert.Equal(56, machine.Canary.Bytes.Count);
    }

    [Fact]
    public void RAM_too_small_for_the_layout_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => CaseMachine.Plan(Case(TestProgram.Minimal, memory: 0x10_0000), MinimalProgram.Instance));
        Assert.StartsWith("machine.memory 0x100000", e.Message);
    }

    [Theory]
    [InlineData(KvmFlavour.KvmPvm, 0, "0 (when flavour kvm_pvm)")]
    [InlineData(KvmFlavour.KvmIntel, 6, "6")]
    [InlineData(KvmFlavour.KvmAmd, 6, "6")]
    public void Expectations_follow_the_flavour_and_name_the_override_that_applied(KvmFlavour flavour, int pageNotPresent, string expected)
    {
        var plan = Case(TestProgram.AsyncPf, hardware: TestPlans.Expect(pageNotPresent: 6), pvm: TestPlans.Expect(pageNotPresent: 0));
        var host = new HostIdentity(flavour, "6.12.117+deb12-amd64");
        Assert.Equal((uint)pageNotPresent, plan.Expect.For(host).Events.PageNotPresent);
        var check = Assert.Single(ExpectationChecks.Compare(plan.Expect, host, new AsyncPfCounts(0, 0, 1),
            TokenPairing.Analyze([], []), [], null));
        Assert.Equal("expect: pageNotPresent", check.Name);
        Assert.Equal(expected, check.Expected);
        Assert.Equal(pageNotPresent == 0 ? Outcome.Passed : Outcome.Failed, check.Status);
    }

    [Fact]
    public void Without_KVM_the_case_is_skipped_with_the_probes_reason()
    {
        var host = new HostReport(false, "no /dev/kvm: kvm_pvm is loaded but did not create it", KvmFlavour.KvmPvm, ["kvm_pvm"], null, [], null, [], "6.18.44");
        var result = CaseRunner.Run(Case(TestProgram.AsyncPf), AsyncPfProgram.Instance, host);
        Assert.Equal(Outcome.Skipped, result.Status);
        Assert.Equal("async-pf", result.Guest);
        Assert.Equal(host.Reason, result.Reason);
        Assert.Equal(host.Reason, FaultLatencyBench.Run(8, host).Unavailable);
    }

    [Theory]
    [InlineData(10, 2500)] // the faults spec: one missing release still leaves three quarters of the timeout
    [InlineData(20, 5000)]
    [InlineData(60, 5000)] // capped: a guest that never releases costs a run 5 s at most
    public void A_held_page_waits_for_its_release_a_quarter_of_the_case_timeout_at_most_5s(int timeoutSeconds, int boundMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(boundMs), CaseRunner.HoldBound(TimeSpan.FromSeconds(timeoutSeconds)));

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        double[] samples = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, FaultLatencyBench.Percentile(samples, 50));
        Assert.Equal(10, FaultLatencyBench.Percentile(samples, 99));
        Assert.Equal(1, FaultLatencyBench.Percentile(samples, 0));
    }
}
