using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.AsyncPf.Protocol;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.AsyncPf.Tests;

/// <summary>Synthetic guest reports, as the async #PF guests would send them.</summary>
internal static class Reports
{
    public static GuestReport R(uint kind, ulong value) => new(kind, value);

    public static GuestReport Interrupt(uint token, byte vector) => R(GuestReports.Interrupt, token | (ulong)vector << 32);

    public static IEnumerable<GuestEvent> NotPresent(uint token, ulong spin = 100, ulong cycles = 2_000_000, uint flags = 1) =>
    [
        R(GuestReports.NotPresentCr2, token),
        R(GuestReports.NotPresentFlags, flags),
        R(GuestReports.NotPresentSpin, spin),
        R(GuestReports.NotPresentCycles, cycles),
    ];

    public static AsyncPfSetup Setup(int pages, int cpl = 3, bool interrupts = true, byte vector = 0xec) =>
        new(vector, AsyncPfEnable.Value(0x6000, AsyncPfEnableBits.Enabled | AsyncPfEnableBits.DeliveryAsInt),
            new FaultWorkloadDefinition(pages, TimeSpan.FromMilliseconds(2), cpl, interrupts));
}
