using System.Runtime.InteropServices;
using Vmspec.Abi.KvmPara;

namespace Vmspec.Abi.Tests.KvmPara;

public sealed class AsyncPfAbiTests
{
    [Fact]
    public void MSRs_have_the_uapi_numbers_and_both_names()
    {
        Assert.Equal(0x4b564d02u, KvmPvMsrs.AsyncPfEn);
        Assert.Equal(0x4b564d06u, KvmPvMsrs.AsyncPfInt);
        Assert.Equal(0x4b564d07u, KvmPvMsrs.AsyncPfAck);
        Assert.Equal(KvmPvMsrs.AsyncPfInt, KvmPvMsrs.BySpecName("async-pf-int"));
        Assert.Null(KvmPvMsrs.BySpecName("MSR_KVM_ASYNC_PF_INT"));
        Assert.Equal("MSR_KVM_ASYNC_PF_ACK", KvmPvMsrs.Describe(KvmPvMsrs.AsyncPfAck));
        Assert.Equal("MSR 0x1b", KvmPvMsrs.Describe(0x1b));
    }

    /// <summary>Flags, reserved bits and GPA split the 64 bits of MSR_KVM_ASYNC_PF_EN without overlap or gap.</summary>
    [Fact]
    public void EN_flags_reserved_bits_and_GPA_partition_the_value()
    {
        ulong flags = (ulong)(AsyncPfEnFlags.Enabled | AsyncPfEnFlags.SendAlways | AsyncPfEnFlags.DeliveryAsPfVmexit | AsyncPfEnFlags.DeliveryAsInt);
        Assert.Equal(AsyncPfEn.FlagMask, flags);
        Assert.Equal(0UL, AsyncPfEn.FlagMask & AsyncPfEn.ReservedBits);
        Assert.Equal(0UL, AsyncPfEn.GpaMask & (AsyncPfEn.FlagMask | AsyncPfEn.ReservedBits));
        Assert.Equal(ulong.MaxValue, AsyncPfEn.GpaMask | AsyncPfEn.FlagMask | AsyncPfEn.ReservedBits);
        Assert.Equal(AsyncPfEn.FlagNames.Select(f => f.Value), Enum.GetValues<AsyncPfEnFlags>().Where(f => f != AsyncPfEnFlags.None));
    }

    [Fact]
    public void EN_value_splits_back_into_GPA_and_flags()
    {
        ulong value = AsyncPfEn.Value(0x6000, AsyncPfEnFlags.Enabled | AsyncPfEnFlags.DeliveryAsInt);
        Assert.Equal(0x6009UL, value);
        Assert.Equal(0x6000UL, AsyncPfEn.Gpa(value | AsyncPfEn.ReservedBits));
        Assert.Equal(AsyncPfEnFlags.Enabled | AsyncPfEnFlags.DeliveryAsInt, AsyncPfEn.Flags(value | AsyncPfEn.ReservedBits));
    }

    [Fact]
    public void Fixed_64_layout_is_the_struct_and_legacy_68_appends_enabled()
    {
        var fixed64 = ApfDataLayouts.Fixed64;
        Assert.Equal(Marshal.SizeOf<KvmVcpuPvApfData>(), fixed64.Size);
        Assert.Equal((long)Marshal.OffsetOf<KvmVcpuPvApfData>(nameof(KvmVcpuPvApfData.Flags)), fixed64.Fields.Single(f => f.Name == "flags").Offset);
        Assert.Equal((long)Marshal.OffsetOf<KvmVcpuPvApfData>(nameof(KvmVcpuPvApfData.Token)), fixed64.Fields.Single(f => f.Name == "token").Offset);
        Assert.Equal(fixed64.Size, fixed64.Fields.Sum(f => f.Size));

        var legacy = ApfDataLayouts.Legacy68;
        Assert.Equal([.. fixed64.Fields, new AbiField("enabled", 64, 4)], legacy.Fields);
        Assert.Equal(68, legacy.Size);
        Assert.Equal(["fixed-64", "legacy-68", "unknown"], ApfDataLayouts.Names.Select(n => n.Key));
        Assert.Equal("legacy-68", ApfDataLayouts.Name(ApfDataAbi.Legacy68));
    }
}
