using Vmspec.Abi.KvmPara;
using Vmspec.Abi.X86;
namespace Vmspec.Runtime.Cpuid;

/// <summary>Set and clear bits of one register of one leaf/subleaf (Firecracker-style CPUID modifier as data).</summary>
public sealed record CpuidEdit(uint Leaf, uint Subleaf, CpuidRegister Register, uint SetBits, uint ClearBits)
{
    public static CpuidEdit Set(uint leaf, CpuidRegister register, uint bits, uint subleaf = 0) => new(leaf, subleaf, register, bits, 0);

    public static CpuidEdit Clear(uint leaf, CpuidRegister register, uint bits, uint subleaf = 0) => new(leaf, subleaf, register, 0, bits);

    /// <summary>CPUID.1:ECX bit 31, the hypervisor-present bit: Linux reads leaf 0x40000000 (KVM's signature) only when it is set.
    /// KVM_GET_SUPPORTED_CPUID leaves it to the VMM.</summary>
    public static CpuidEdit HypervisorPresent { get; } = Set(1, CpuidRegister.Ecx, 1u << 31);

    public static CpuidEdit SetPvFeature(KvmPvFeature feature) => Set(KvmPvFeatures.Leaf, CpuidRegister.Eax, KvmPvFeatures.Mask(feature));

    public static CpuidEdit ClearPvFeature(KvmPvFeature feature) => Clear(KvmPvFeatures.Leaf, CpuidRegister.Eax, KvmPvFeatures.Mask(feature));

    public uint Apply(uint value) => (value | SetBits) & ~ClearBits;
}
