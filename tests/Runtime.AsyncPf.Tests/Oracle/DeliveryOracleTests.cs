using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Protocol;
using static Vmspec.Runtime.AsyncPf.Protocol.AsyncPfEnableBits;

namespace Vmspec.Runtime.AsyncPf.Tests.Oracle;

public class DeliveryOracleTests
{
    private static bool Delivered(AsyncPfEnableBits bits, int cpl, bool interrupts, bool pvm) =>
        DeliveryOracle.Predict(new FaultWorkload(AsyncPfEnable.Value(0x6000, bits), cpl, interrupts), pvm).Delivered;

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
        var onPvm = DeliveryOracle.Predict(new FaultWorkload(AsyncPfEnable.Value(0x6000, Enabled | DeliveryAsInt | SendAlways), 0, true), true);
        Assert.False(onPvm.Delivered);
        Assert.Equal([HostRules.PvmEmulatesCpl0], onPvm.Because);
    }
}
