using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct kvm_cpuid_entry2 (asm/kvm.h), the entries of struct kvm_cpuid2 (<see cref="KvmArrayHeader"/>).</summary>
[StructLayout(LayoutKind.Sequential, Size = 40)]
public struct KvmCpuidEntry2
{
    /// <summary>KVM_CPUID_FLAG_SIGNIFCANT_INDEX: the subleaf (Index) matters.</summary>
    public const uint FlagSignificantIndex = 1;

    public uint Function;
    public uint Index;
    public uint Flags;
    public uint Eax, Ebx, Ecx, Edx;
    private uint _padding0, _padding1, _padding2;
}
