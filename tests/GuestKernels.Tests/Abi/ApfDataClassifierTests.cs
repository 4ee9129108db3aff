using Vmspec.Abi.KvmPara;
using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Btf;
using Vmspec.GuestKernels.Tests.Builders;

namespace Vmspec.GuestKernels.Tests.Abi;

public sealed class ApfDataClassifierTests
{
    [Theory]
    [InlineData(false, "fixed-64")]
    [InlineData(true, "legacy-68")]
    public void Classifies_both_kernel_layouts(bool legacy68, string verdict)
    {
        var found = BtfTypes.Parse(SyntheticKernel.ApfBtf(legacy68)).FindStruct(ApfDataLayouts.StructName)!;
        var result = ApfDataClassifier.Classify(found);
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal($"struct kvm_vcpu_pv_apf_data matches the {verdict} layout", result.Detail);
    }

    /// <summary>The pre-5.8 layout (reason@0, pad[60], enabled@64) is 68 bytes too, but it is not legacy-68.</summary>
    [Fact]
    public void Older_layout_of_the_same_size_is_unknown()
    {
        var b = new BtfBuilder();
        int u8 = b.Int("__u8", 1, 8);
        int u32 = b.Int("__u32", 4, 32);
        int pad = b.Array(u8, u32, 60);
        b.Struct(ApfDataLayouts.StructName, 68, ("reason", u32, 0), ("pad", pad, 32), ("enabled", u32, 512));
        var result = ApfDataClassifier.Classify(BtfTypes.Parse(b.Build()).FindStruct(ApfDataLayouts.StructName)!);
        Assert.Equal("unknown", result.Verdict);
        Assert.Equal("struct kvm_vcpu_pv_apf_data is 68 bytes with members reason@0:4, pad@4:60, enabled@64:4, matching neither fixed-64 nor legacy-68",
            result.Detail);
    }

    [Fact]
    public void Bitfields_and_wrong_sizes_are_not_matches()
    {
        var b = new BtfBuilder();
        int u8 = b.Int("__u8", 1, 8);
        int u32 = b.Int("__u32", 4, 32);
        int pad = b.Array(u8, u32, 56);
        b.BitfieldStruct(ApfDataLayouts.StructName, 64, ("flags", u32, 0, 32), ("token", u32, 32, 0), ("pad", pad, 64, 0));
        var result = ApfDataClassifier.Classify(BtfTypes.Parse(b.Build()).FindStruct(ApfDataLayouts.StructName)!);
        Assert.Equal("unknown", result.Verdict);

        var other = new BtfBuilder();
        int small = other.Int("__u16", 2, 16);
        int u8b = other.Int("__u8", 1, 8);
        other.Struct(ApfDataLayouts.StructName, 64, ("flags", small, 0), ("token", small, 32), ("pad", other.Array(u8b, small, 56), 64));
        Assert.Equal("unknown", ApfDataClassifier.Classify(BtfTypes.Parse(other.Build()).FindStruct(ApfDataLayouts.StructName)!).Verdict);
    }
}
