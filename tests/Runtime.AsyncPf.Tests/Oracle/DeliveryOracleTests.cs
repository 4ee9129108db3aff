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
    public void Cpl3WithInterruptsAndIntDeliveryIsDelivered(bool pvm) =>
        Assert.True(Delivered(Enabled | DeliveryAsInt, 3, true, pvm));

    [Fact]
    public void InterruptsDisabledGetNothing() => Assert.False(Delivered(Enabled | DeliveryAsInt, 3, false, false));

    [Fact]
    public void EnabledWithoutIntDeliveryGetsNothing() => Assert.False(Delivered(Enabled, 3, true, false));

    [Fact]
    public void Cpl0NeedsSendAlways() => Assert.False(Delivered(Enabled | DeliveryAsInt, 0, true, false));

    [Fact]
    public void Cpl0WithSendAlwaysDependsOnTheFlavour()
    {
        Assert.True(Delivered(Enabled | DeliveryAsInt | SendAlways, 0, true, pvm: false));
        var onPvm = DeliveryOracle.Predict(AsyncPfEn.Value(0x6000, Enabled | DeliveryAsInt | SendAlways), new FaultWorkload(1, 0, 0, true), true);
        Assert.False(onPvm.Delivered);
        Assert.Equal([HostRules.PvmEmulatesCpl0], onPvm.Because);
    }
}
