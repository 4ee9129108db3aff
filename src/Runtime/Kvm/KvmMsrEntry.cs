using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct kvm_msr_entry (asm/kvm.h), the entries of struct kvm_msrs (<see cref="KvmArrayHeader"/>).</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct KvmMsrEntry
{
    public uint Index;
    public uint Reserved;
    public ulong Data;
}
