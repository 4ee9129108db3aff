using Vmspec.Abi.KvmPara;
using Vmspec.Abi.X86;

namespace Vmspec.Plans;

public enum FeatureMode { Host, Set, Clear }

/// <summary>
/// CPUID changes relative to KVM_GET_SUPPORTED_CPUID: first the named KVM PV features
/// (leaf 0x40000001 EAX), then the raw modifiers, each <c>reg = (reg &amp; ~Mask) | Value</c>.
/// </summary>
public sealed record CpuidPlan(IReadOnlyList<KvmFeatureSetting> KvmFeatures, IReadOnlyList<CpuidModifier> Modifiers)
{
    public static CpuidPlan HostOffers { get; } = new([], []);
}

/// <summary>A named PV feature that is not left as the host offers; sorted by bit.</summary>
public sealed record KvmFeatureSetting(KvmPvFeature Feature, FeatureMode Mode)
{
    public string Name => KvmPvFeatures.Name(Feature);
}

/// <summary>Forced bits of one register; sorted by leaf, subleaf, register.</summary>
public sealed record CpuidModifier(uint Leaf, uint Subleaf, CpuidRegister Register, uint Mask, uint Value);
