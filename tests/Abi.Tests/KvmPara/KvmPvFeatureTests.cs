using Vmspec.Abi.KvmPara;

namespace Vmspec.Abi.Tests.KvmPara;

public sealed class KvmPvFeatureTests
{
    [Fact]
    public void Every_feature_has_one_name_and_every_name_one_feature()
    {
        Assert.Equal(Enum.GetValues<KvmPvFeature>().Order(), KvmPvFeatures.All.Select(f => f.Value));
        Assert.Equal(KvmPvFeatures.All.Count, KvmPvFeatures.All.Select(f => f.Key).Distinct().Count());
        Assert.All(KvmPvFeatures.All, f => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", f.Key));
    }

    /// <summary>The kernel's KVM_FEATURE_CLOCKSOURCE_STABLE_BIT keeps its _BIT: there is one spelling, the header's.</summary>
    [Fact]
    public void Names_are_the_kernel_names_in_kebab_case()
    {
        Assert.Equal("clocksource-stable-bit", KvmPvFeatures.Name(KvmPvFeature.ClocksourceStableBit));
        Assert.Equal(24, (int)KvmPvFeature.ClocksourceStableBit);
        Assert.Equal(14, (int)KvmPvFeature.AsyncPfInt);
        Assert.True(KvmPvFeatures.TryParse("async-pf-int", out var parsed));
        Assert.Equal(KvmPvFeature.AsyncPfInt, parsed);
        Assert.False(KvmPvFeatures.TryParse("clocksource-stable", out _));
    }

    [Fact]
    public void Set_bits_are_named_in_bit_order_and_unnamed_bits_by_number()
    {
        Assert.Equal(["clocksource", "async-pf", "bit-8", "async-pf-int", "clocksource-stable-bit"],
            KvmPvFeatures.Names((1u << 0) | (1u << 4) | (1u << 14) | (1u << 8) | (1u << 24)));
        Assert.Equal(0x4000u, KvmPvFeatures.Mask(KvmPvFeature.AsyncPfInt));
    }
}
