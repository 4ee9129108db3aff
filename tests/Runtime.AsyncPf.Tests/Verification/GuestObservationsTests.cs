using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Devices;
using static Vmspec.Runtime.AsyncPf.Tests.Support.Reports;

namespace Vmspec.Runtime.AsyncPf.Tests.Verification;

public class GuestObservationsTests
{
    [Fact]
    public void The_nth_release_belongs_to_the_nth_not_present_though_the_deferred_reports_come_after_every_release()
    {
        var observed = GuestObservations.Parse([
            new GuestPageRelease(0, InterruptsEnabled: true),
            new GuestPageRelease(1, InterruptsEnabled: false),
            R(GuestReports.NotPresentCr2, 0x1000), R(GuestReports.NotPresentFlags, 1),
            R(GuestReports.NotPresentCr2, 0x2000), R(GuestReports.NotPresentFlags, 1),
        ]);
        Assert.Equal([new ObservedRelease(0, true), new ObservedRelease(1, false)], observed.NotPresents.Select(n => n.Release));
    }
}
