using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Oracle;
using static Vmspec.Abi.KvmPara.AsyncPfEnFlags;

namespace Vmspec.Runtime.AsyncPf.Tests.Oracle;

public class EnableProtocolOracleTests
{
    private const uint AllAsyncPf = (1u << 4) | (1u << 10) | (1u << 14);
    private const ulong DataGpa = 0x6000;
    private static readonly GuestRam[] EightMiB = [new(0, 8 << 20)];

    private static EnableProtocolOracle Oracle(uint features = AllAsyncPf, bool enforced = true, bool lapic = true) =>
        new(new OracleHost(features, enforced, lapic, EightMiB));

    private static string Outcome(EnableProtocolOracle oracle, MsrAccess access) => oracle.Predict(access).Outcome;

    [Theory]
    [InlineData(KvmPvMsrs.AsyncPfEn)]
    [InlineData(KvmPvMsrs.AsyncPfInt)]
    [InlineData(KvmPvMsrs.AsyncPfAck)]
    public void Enforced_without_features_every_access_faults_like_kvm_pv_test(uint msr)
    {
        var oracle = Oracle(features: 0);
        Assert.Equal("#GP", Outcome(oracle, MsrAccess.Read(msr)));
        Assert.Equal("#GP", Outcome(oracle, MsrAccess.Write(msr, 0)));
    }

    [Fact]
    public void Without_enforcement_CPUID_does_not_gate()
    {
        var oracle = Oracle(features: 0, enforced: false);
        Assert.Equal("accepted", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0xec)));
        Assert.Equal("accepted", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, AsyncPfEn.Value(DataGpa, Enabled | DeliveryAsInt | DeliveryAsPfVmexit))));
        Assert.Equal("0x600d", Outcome(oracle, MsrAccess.Read(KvmPvMsrs.AsyncPfEn)));
    }

    [Fact]
    public void ACK_is_gated_by_async_pf_int_not_by_async_pf()
    {
        var oracle = Oracle(features: 1u << 4);
        Assert.Equal("#GP", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfAck, 1)));
        Assert.Equal("accepted", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, AsyncPfEn.Value(DataGpa, Enabled))));
    }

    [Theory]
    [InlineData(0x10UL)]
    [InlineData(0x20UL)]
    public void Reserved_enable_bits_fault(ulong bit)
    {
        var prediction = Oracle().Predict(MsrAccess.Write(KvmPvMsrs.AsyncPfEn, DataGpa | (ulong)Enabled | bit));
        Assert.True(prediction.GeneralProtection);
        Assert.Contains(HostRules.EnReservedBits, prediction.Because);
    }

    [Fact]
    public void Delivery_flags_need_their_features()
    {
        var withoutVmexit = Oracle(features: (1u << 4) | (1u << 14));
        Assert.Equal("#GP", Outcome(withoutVmexit, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, AsyncPfEn.Value(DataGpa, Enabled | DeliveryAsPfVmexit))));
        var withoutInt = Oracle(features: 1u << 4);
        Assert.Equal("#GP", Outcome(withoutInt, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, AsyncPfEn.Value(DataGpa, Enabled | DeliveryAsInt))));
    }

    [Fact]
    public void Enabled_alone_is_accepted_but_not_enabled_and_queues_nothing()
    {
        var oracle = Oracle();
        var prediction = oracle.Predict(MsrAccess.Write(KvmPvMsrs.AsyncPfEn, AsyncPfEn.Value(DataGpa, Enabled)));
        Assert.False(prediction.GeneralProtection);
        Assert.False(prediction.QueuesWakeupAll);
        Assert.False(oracle.AsyncPfEnabled);
        Assert.Contains(HostRules.EnEnabledNeedsIntDelivery, prediction.Because);
    }

    [Fact]
    public void An_enabling_write_queues_a_wakeup_all_that_the_next_wait_takes()
    {
        var oracle = Oracle();
        var enable = MsrAccess.Write(KvmPvMsrs.AsyncPfEn, AsyncPfEn.Value(DataGpa, Enabled | DeliveryAsInt));
        Assert.True(oracle.Predict(MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0xec)) is { GeneralProtection: false });
        Assert.True(oracle.Predict(enable).QueuesWakeupAll);
        Assert.True(oracle.Wait().PageReady);
        Assert.True(oracle.Predict(enable).QueuesWakeupAll);
        Assert.True(oracle.Wait().PageReady);
        Assert.Equal(2, oracle.WakeupAllsTaken);
        Assert.True(oracle.AsyncPfEnabled);
    }

    [Fact]
    public void Data_area_outside_RAM_faults_but_the_value_is_stored_first()
    {
        var oracle = Oracle();
        var outside = AsyncPfEn.Value(8 << 20, Enabled | DeliveryAsInt);
        var prediction = oracle.Predict(MsrAccess.Write(KvmPvMsrs.AsyncPfEn, outside));
        Assert.True(prediction.GeneralProtection);
        Assert.Contains(HostRules.EnDataMustBeWritableRam, prediction.Because);
        Assert.False(prediction.QueuesWakeupAll);
        Assert.Empty(oracle.Wait().Interrupts);
        Assert.Equal(outside, oracle.Predict(MsrAccess.Read(KvmPvMsrs.AsyncPfEn)).ReadValue);
    }

    [Fact]
    public void Last_sixty_four_bytes_of_RAM_are_a_valid_data_area() =>
        Assert.True(Oracle().Predict(MsrAccess.Write(KvmPvMsrs.AsyncPfEn, AsyncPfEn.Value((8 << 20) - 64, Enabled | DeliveryAsInt))).QueuesWakeupAll);

    [Fact]
    public void Without_in_kernel_LAPIC_enable_zero_is_a_no_op_and_anything_else_faults()
    {
        var oracle = Oracle(lapic: false);
        Assert.Equal("accepted", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, 0)));
        Assert.Equal("#GP", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfEn, AsyncPfEn.Value(DataGpa, Enabled))));
        Assert.Equal("#GP", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0)));
    }

    [Fact]
    public void Interrupt_vector_reads_back_and_high_bits_fault()
    {
        var oracle = Oracle();
        Assert.Equal("accepted", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0xec)));
        Assert.Equal("#GP", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfInt, 0x1ec)));
        Assert.Equal("0xec", Outcome(oracle, MsrAccess.Read(KvmPvMsrs.AsyncPfInt)));
    }

    [Fact]
    public void ACK_accepts_any_value_and_reads_zero()
    {
        var oracle = Oracle();
        Assert.Equal("accepted", Outcome(oracle, MsrAccess.Write(KvmPvMsrs.AsyncPfAck, 0xfffffffffffffffe)));
        Assert.Equal("0x0", Outcome(oracle, MsrAccess.Read(KvmPvMsrs.AsyncPfAck)));
    }

    [Fact]
    public void Other_MSRs_are_not_predicted()
    {
        Assert.Throws<ArgumentException>(() => Oracle().Predict(MsrAccess.Read(0x1b)));
        Assert.Throws<ArgumentException>(() => Oracle().Predict(MsrAccess.Write(0x820, 0)));
    }

    [Fact]
    public void Reads_of_the_x2APIC_IRR_are_predicted_from_the_page_ready_queue()
    {
        var prediction = Oracle().Predict(MsrAccess.Read(0x827));
        Assert.Equal("0x0", prediction.Outcome);
        Assert.Equal([HostRules.X2ApicIrrRead], prediction.Because);
    }

    [Fact]
    public void Every_rule_cites_a_source() =>
        Assert.All(typeof(HostRules).GetFields().Select(f => (HostRule)f.GetValue(null)!),
            rule => Assert.Matches(@"(\.c|\.h|\.rst|\.md)", rule.Source));
}
