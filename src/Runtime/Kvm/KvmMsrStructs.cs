using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>The header of struct kvm_msrs (asm/kvm.h): {u32 nmsrs, u32 pad}; 16-byte entries follow.</summary>
[StructLayout(LayoutKind.Sequential, Size = 8)]
public struct KvmMsrsHeader
{
    public uint Nmsrs;
    public uint Pad;
}

/// <summary>struct kvm_msr_entry (asm/kvm.h).</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct KvmMsrEntry
{
    public uint Index;
    public uint Reserved;
    public ulong Data;
}
