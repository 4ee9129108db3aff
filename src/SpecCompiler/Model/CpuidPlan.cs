namespace Vmspec.SpecCompiler.Model;

public enum FeatureMode { Host, Set, Clear }

public enum CpuidRegister { Eax, Ebx, Ecx, Edx }

/// <summary>
/// CPUID changes relative to KVM_GET_SUPPORTED_CPUID: first the named KVM PV features
/// (leaf 0x40000001 EAX), then the raw modifiers, each <c>reg = (reg &amp; ~Mask) | Value</c>.
/// </summary>
public sealed record CpuidPlan(IReadOnlyList<KvmFeatureSetting> KvmFeatures, IReadOnlyList<CpuidModifier> Modifiers);

/// <summary>A named PV feature that is not left as the host offers; sorted by bit.</summary>
public sealed record KvmFeatureSetting(string Name, int Bit, FeatureMode Mode);

/// <summary>Forced bits of one register; sorted by leaf, subleaf, register.</summary>
public sealed record CpuidModifier(uint Leaf, uint Subleaf, CpuidRegister Register, uint Mask, uint Value);
