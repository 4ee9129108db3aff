using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct kvm_enable_cap (linux/kvm.h).</summary>
[StructLayout(LayoutKind.Sequential, Size = 104)]
public unsafe struct KvmEnableCap
{
    public uint Cap;
    public uint Flags;
    public fixed ulong Args[4];
    public fixed byte Pad[64];
}
