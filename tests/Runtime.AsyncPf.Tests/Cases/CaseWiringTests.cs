using Vmspec.Runtime.AsyncPf.Bench;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Protocol;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Host;
using Vmspec.Runtime.Kvm;

namespace Vmspec.Runtime.AsyncPf.Tests.Cases;

public class CaseWiringTests
{
    private static CaseDefinition Case(CaseProgram program, ulong memory = 0x40_0000, IReadOnlyList<CpuidEdit>? edits = null,
        EventExpectation? hardware = null, EventExpectation? pvm = null) => new(
        "c", program, new MachineDefinition(memory, true, edits ?? []),
        [new ProtocolAccess(MsrAccess.Write(AsyncPfMsrs.Enable, 0x3fffc9), AccessExpectation.Oracle, null)],
        Reports.Setup(6), hardware ?? EventExpectation.None, pvm ?? EventExpectation.None, TimeSpan.FromSeconds(5));

    [Fact]
    public void TheOracleSeesThePvFeaturesAfterTheCasesEdits()
    {
        var offered = new[] { new KvmCpuidEntry2 { Function = KvmPvFeatures.Leaf, Eax = 0x1007efb } };
        var definition = Case(CaseProgram.MsrProtocol, edits: [CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPfInt)]);
        var table = new CpuidTable(offered).ApplyAll(definition.Machine.CpuidEdits); // as VmBuilder does
        var host = OracleWiring.Host(definition.Machine, table, CaseMachine.Plan(definition).Ram);
        Assert.Equal(0x1007efbu & ~(1u << 14), host.PvFeatures);
        Assert.True(host.Enforced);
        Assert.True(host.InKernelLapic);
        Assert.False(host.Has(KvmPvFeature.AsyncPfInt));
        Assert.True(host.IsRam(0x3fffc0, 8));
    }

    [Fact]
    public void AsyncPfMachineHasTheUserfaultSlotAt4MiBAndTheCanaryAtTheArea()
    {
        var machine = CaseMachine.Plan(Case(CaseProgram.AsyncPf));
        Assert.Equal(0x40_0000UL, machine.UserfaultBase);
        Assert.Equal(6UL * 4096, machine.UserfaultSize);
        Assert.Equal([new GuestRam(0, 0x40_0000), new GuestRam(0x40_0000, 6 * 4096)], machine.Ram);
        Assert.Equal([0x6000UL], machine.Canary.Areas);
        // Bigger RAM pushes the slot to the next 2 MiB boundary.
        Assert.Equal(0x80_0000UL, CaseMachine.Plan(Case(CaseProgram.AsyncPf, memory: 0x70_0000)).UserfaultBase);
    }

    [Fact]
    public void MsrProtocolCanaryClipsAtTheEndOfRam()
    {
        var machine = CaseMachine.Plan(Case(CaseProgram.MsrProtocol));
        Assert.Null(machine.UserfaultBase);
        Assert.Equal([0x3fffc0UL], machine.Canary.Areas);
        Assert.Equal(56, machine.Canary.Bytes.Count);
    }

    [Fact]
    public void RamTooSmallForTheLayoutIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => CaseMachine.Plan(Case(CaseProgram.Minimal, memory: 0x10_0000)));
        Assert.StartsWith("machine.memory 0x100000", e.Message);
    }

    [Theory]
    [InlineData(KvmFlavour.KvmPvm, 0, "kvm_pvm")]
    [InlineData(KvmFlavour.KvmIntel, 6, "hardware (kvm_intel)")]
    [InlineData(KvmFlavour.KvmAmd, 6, "hardware (kvm_amd)")]
    public void ExpectationsFollowTheFlavour(KvmFlavour flavour, int pageNotPresent, string label)
    {
        var definition = Case(CaseProgram.AsyncPf, hardware: new EventExpectation(PageNotPresent: 6), pvm: new EventExpectation(PageNotPresent: 0));
        Assert.Equal(pageNotPresent, ExpectationChecks.For(definition, flavour).PageNotPresent);
        var check = Assert.Single(ExpectationChecks.Compare(ExpectationChecks.For(definition, flavour), flavour, new AsyncPfCounts(0, 0, 1),
            TokenPairing.Analyze([], []), [], null));
        Assert.Equal($"expect ({label}): pageNotPresent", check.Name);
        Assert.Equal(pageNotPresent == 0 ? Outcome.Passed : Outcome.Failed, check.Status);
    }

    [Fact]
    public void WithoutKvmTheCaseIsSkippedWithTheProbesReason()
    {
        var host = new HostReport(false, "no /dev/kvm: kvm_pvm is loaded but did not create it", KvmFlavour.KvmPvm, ["kvm_pvm"], null, [], null, []);
        var result = CaseRunner.Run(Case(CaseProgram.AsyncPf), host);
        Assert.Equal(Outcome.Skipped, result.Status);
        Assert.Equal("async-pf", result.Guest);
        Assert.Equal(host.Reason, result.Reason);
        Assert.Equal(host.Reason, FaultLatencyBench.Run(8, host).Unavailable);
    }

    [Theory]
    [InlineData(10, 2500)] // the faults spec: one missing release still leaves three quarters of the timeout
    [InlineData(20, 5000)]
    [InlineData(60, 5000)] // capped: a guest that never releases costs a run 5 s at most
    public void AHeldPageWaitsForItsReleaseAQuarterOfTheCaseTimeoutAtMost5s(int timeoutSeconds, int boundMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(boundMs), CaseRunner.HoldBound(TimeSpan.FromSeconds(timeoutSeconds)));

    [Fact]
    public void PercentilesAreNearestRank()
    {
        double[] samples = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, FaultLatencyBench.Percentile(samples, 50));
        Assert.Equal(10, FaultLatencyBench.Percentile(samples, 99));
        Assert.Equal(1, FaultLatencyBench.Percentile(samples, 0));
    }
}
