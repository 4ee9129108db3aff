using Vmspec.Runtime.AsyncPf.Bench;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Protocol;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Host;
using static Vmspec.Runtime.AsyncPf.Protocol.AsyncPfEnableBits;

namespace Vmspec.Runtime.AsyncPf.Tests.Kvm;

/// <summary>The conformance subset on a real KVM; each skips with the host probe's reason where there is none.</summary>
public class CaseRunnerOnKvmTests
{
    private static HostReport Host()
    {
        var host = HostProbe.Probe();
        if (!host.Available)
            Assert.Skip($"KVM unavailable: {host.Reason}");
        return host;
    }

    private static CaseDefinition Faults(string name, AsyncPfEnableBits bits, int cpl, bool interrupts, int delayMs = 2, ulong area = 0x6000,
        EventExpectation? hardware = null, EventExpectation? pvm = null) => new(
        name, CaseProgram.AsyncPf, new MachineDefinition(0x40_0000, false, []), [],
        new AsyncPfSetup(0xec, AsyncPfEnable.Value(area, bits), new FaultWorkloadDefinition(6, TimeSpan.FromMilliseconds(delayMs), cpl, interrupts)),
        hardware ?? EventExpectation.None, pvm ?? EventExpectation.None, TimeSpan.FromSeconds(20));

    private static CaseDefinition Msr(string name, bool enforce, IReadOnlyList<CpuidEdit> edits, params MsrAccess[] accesses) => new(
        name, CaseProgram.MsrProtocol, new MachineDefinition(0x40_0000, enforce, edits),
        accesses.Select(a => new ProtocolAccess(a, AccessExpectation.Oracle, null)).ToArray(), null,
        EventExpectation.None, EventExpectation.None, TimeSpan.FromSeconds(10));

    private static CaseResult Passes(CaseDefinition definition)
    {
        var result = CaseRunner.Run(definition, Host());
        Assert.True(result.Status == Outcome.Passed,
            string.Join('\n', result.Checks.Where(c => c.Status == Outcome.Failed).Select(c => $"{c.Name}: expected {c.Expected}; observed {c.Observed}")));
        return result;
    }

    private static readonly EventExpectation SixDelivered = new(6, 6, 1, true, 0xec, true);
    private static readonly EventExpectation NoneDelivered = new(0, 0, null, null, null, true);

    [Fact]
    public void MinimalGuestSeesTheCpuidSet() =>
        Passes(new CaseDefinition("minimal", CaseProgram.Minimal, new MachineDefinition(0x40_0000, false, [CpuidEdit.ClearPvFeature(KvmPvFeature.StealTime)]),
            [], null, EventExpectation.None, EventExpectation.None, TimeSpan.FromSeconds(5)));

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void SixRealAsyncPageFaultsFromCpl3(int delayMs)
    {
        var result = Passes(Faults($"faults[delay={delayMs}]", Enabled | DeliveryAsInt, 3, true, delayMs, hardware: SixDelivered, pvm: SixDelivered));
        Assert.Equal(new AsyncPfCounts(6, 6, 1), result.AsyncPf);
        // That the guest ran while each page was missing is proved per fault by the handshake, not by a spin count.
        Assert.Equal(6, result.Checks.Count(c => c.Name.EndsWith("guest kept running while it waited (handshake)", StringComparison.Ordinal)
            && c.Status == Outcome.Passed));
    }

    [Fact]
    public void EnabledAloneDeliversNothing() =>
        Passes(Faults("enabled-only", Enabled, 3, true, hardware: NoneDelivered with { WakeupAll = 0 }, pvm: NoneDelivered with { WakeupAll = 0 }));

    [Fact]
    public void InterruptsOffGetNothing() =>
        Passes(Faults("if0", Enabled | DeliveryAsInt, 3, false, hardware: NoneDelivered, pvm: NoneDelivered));

    [Fact]
    public void Cpl0WithoutSendAlwaysGetsNothing() =>
        Passes(Faults("cpl0", Enabled | DeliveryAsInt, 0, true, hardware: NoneDelivered, pvm: NoneDelivered));

    [Fact]
    public void Cpl0WithSendAlwaysDependsOnTheFlavour() =>
        Passes(Faults("cpl0-send-always", Enabled | DeliveryAsInt | SendAlways, 0, true, hardware: SixDelivered, pvm: NoneDelivered));

    [Theory]
    [InlineData(0x6fc0UL)]   // the last 64 bytes of a page
    [InlineData(0x3fffc0UL)] // the last 64 bytes of slot 0 (and of RAM)
    public void DataAreaAtTheEndOfAPageOrSlot(ulong area) =>
        Passes(Faults($"area[0x{area:x}]", Enabled | DeliveryAsInt, 3, true, area: area, hardware: SixDelivered, pvm: SixDelivered));

    [Theory]
    [InlineData(0x6019UL)]
    [InlineData(0x6029UL)]
    public void ReservedEnableBitsGeneralProtect(ulong value)
    {
        var result = Passes(Msr($"en-reserved[0x{value:x}]", false, [], MsrAccess.Write(AsyncPfMsrs.Enable, value), MsrAccess.Read(AsyncPfMsrs.Enable)));
        Assert.Equal("#GP [en-reserved]", result.Checks.Single(c => c.Name.StartsWith("wrmsr", StringComparison.Ordinal)).Expected);
    }

    [Fact]
    public void ClearedFeaturesWithEnforcementGeneralProtectEveryAccess() =>
        Passes(Msr("enforced-cleared", true,
            [CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPf), CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPfInt), CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPfVmexit)],
            MsrAccess.Read(AsyncPfMsrs.Enable), MsrAccess.Write(AsyncPfMsrs.Enable, 0),
            MsrAccess.Read(AsyncPfMsrs.Interrupt), MsrAccess.Write(AsyncPfMsrs.Interrupt, 0),
            MsrAccess.Read(AsyncPfMsrs.Acknowledge), MsrAccess.Write(AsyncPfMsrs.Acknowledge, 0)));

    [Fact]
    public void ProtocolSequenceMatchesTheOracle() =>
        Passes(Msr("enable-sequence", false, [],
            MsrAccess.Write(AsyncPfMsrs.Interrupt, 0xec), MsrAccess.Write(AsyncPfMsrs.Enable, 0x6009), MsrAccess.Read(AsyncPfMsrs.Enable),
            MsrAccess.Read(AsyncPfMsrs.Acknowledge), MsrAccess.Write(AsyncPfMsrs.Enable, 0), MsrAccess.Read(AsyncPfMsrs.Interrupt)));

    [Fact]
    public void FaultLatencyBenchMeasuresEveryFault()
    {
        var report = FaultLatencyBench.Run(16, Host());
        Assert.Null(report.Unavailable);
        Assert.Equal(16, report.SamplesMs.Count);
        Assert.True(report.MedianMs > 0 && report.P99Ms >= report.MedianMs);
    }
}
