using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.Plans.Hosts;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Memory;

namespace Vmspec.Runtime.AsyncPf.Tests.Support;

/// <summary>Synthetic guest reports, as the async #PF guests would send them.</summary>
internal static class Reports
{
    public static GuestReport R(uint kind, ulong value) => new(kind, value);

    public static GuestReport Interrupt(uint token, byte vector) => R(GuestReports.Interrupt, token | (ulong)vector << 32);

    /// <summary>
    /// A 'page not present' as the #PF handler reports it: CR2 and flags, the release of <paramref name="page"/> (with
    /// IF as KVM saw it), then how the wait ended, the spin count and the cycles. The page-ready comes after the first 3.
    /// </summary>
    public static IEnumerable<GuestEvent> NotPresent(uint token, uint page, ulong spin = 100, ulong cycles = 2_000_000, uint flags = 1,
        bool releaseWithInterrupts = true, bool waitEndedByPageReady = true) =>
    [
        R(GuestReports.NotPresentCr2, token),
        R(GuestReports.NotPresentFlags, flags),
        new GuestPageRelease(page, releaseWithInterrupts),
        R(GuestReports.NotPresentWaitEnd, waitEndedByPageReady ? 1UL : 0),
        R(GuestReports.NotPresentSpin, spin),
        R(GuestReports.NotPresentCycles, cycles),
    ];

    /// <summary>The slot's record of a fault on each page that was held until the guest released it.</summary>
    public static IReadOnlyList<UserfaultEvent> HeldAndReleased(int pages) =>
        Enumerable.Range(0, pages).Select(p => new UserfaultEvent((ulong)p, 4321, Ms(10 * p), Ms(10 * p + 3),
            UserfaultResolution.Released, Ms(10 * p + 2))).ToArray();

    public static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    public static AsyncPfPlan Setup(int pages, int cpl = 3, bool interrupts = true, byte vector = 0xec) =>
        new(vector, AsyncPfEn.Value(0x6000, AsyncPfEnFlags.Enabled | AsyncPfEnFlags.DeliveryAsInt), RawEn: false,
            new FaultWorkload((uint)pages, ResolveDelayMs: 2, (byte)cpl, interrupts));
}

/// <summary>Plans as the compiler would write them, built directly: one case, one vCPU, nothing checked unless given.</summary>
internal static class TestPlans
{
    public static VmPlan Plan(string name, GuestPlan guest, ulong memory = 0x40_0000, bool enforce = false, CpuidPlan? cpuid = null,
        AsyncPfPlan? asyncPf = null, Expectations? hardware = null, Expectations? pvm = null, ulong timeoutMs = 5_000) =>
        new(name, new SpecInfo(name, "", []), [], new MachinePlan(memory, 1, enforce), cpuid ?? CpuidPlan.HostOffers, guest, asyncPf,
            Expect(hardware, pvm), timeoutMs);

    /// <summary><paramref name="hardware"/> as the common expectations, <paramref name="pvm"/> as a kvm_pvm override.</summary>
    public static CaseExpectations Expect(Expectations? hardware, Expectations? pvm) =>
        new(hardware ?? Expectations.Unchecked, pvm is null ? [] : [new HostExpectations(new HostCondition(KvmFlavour.KvmPvm, null), pvm)]);

    public static TestGuestPlan Guest(TestProgram program, params MsrAccess[] accesses) => new(program, accesses);

    public static CpuidPlan Clear(params KvmPvFeature[] features) =>
        new([.. features.Order().Select(f => new KvmFeatureSetting(f, FeatureMode.Clear))], []);

    public static Expectations Expect(uint? pageNotPresent = null, uint? pageReady = null, uint? wakeupAll = null, bool? tokensPaired = null,
        byte? vector = null, bool? canaryIntact = null) =>
        new(new EventExpectations(pageNotPresent, pageReady, wakeupAll, tokensPaired, vector), new AbiExpectations(canaryIntact));
}
