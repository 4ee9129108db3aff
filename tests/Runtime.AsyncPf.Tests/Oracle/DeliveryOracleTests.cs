using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Oracle;
using static Vmspec.Abi.KvmPara.AsyncPfEnFlags;

namespace Vmspec.Runtime.AsyncPf.Tests.Oracle;

public class DeliveryOracleTests
{
    private static bool Delivered(AsyncPfEnFlags bits, int cpl, bool interrupts, bool pvm) =>
        DeliveryOracle.Predict(AsyncPfEn.Value(0x6000, bits), new FaultWorkload(1, 0, (byte)cpl, interrupts), pvm).Delivered;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CPL3_with_interrupts_and_INT_delivery_is_delivered(bool pvm) =>
        Assert.True(Delivered(Enabled | DeliveryAsInt, 3, true, pvm));

    [Fact]
    public void Interrupts_disabled_get_nothing() => Assert.False(Delivered(Enabled | DeliveryAsInt, 3, false, false));

    [Fact]
    public void Enabled_without_INT_delivery_gets_nothing() => Assert.False(Delivered(Enabled, 3, true, false));

    [Fact]
    public void CPL0_needs_send_always() => Assert.False(Delivered(Enabled | DeliveryAsInt, 0, true, false));

    [Fact]
    public void CPL0_with_send_always_depends_on_the_flavour()
    {
        Assert.True(Delivered(Enabled | DeliveryAsInt | SendAlways, 0, true, pvm: false));
        var onPvm = DeliveryOracle.Predict(AsyncPfEn.Value(0x6000, Enabled | DeliveryAsInt | SendAlways), new FaultWorkload(1, 0, 0, true), true);
        Assert.False(onPvm.Delivered);
        Assert.Equal([HostRules.PvmEmulatesCpl0], onPvm.Because);
    }
}
