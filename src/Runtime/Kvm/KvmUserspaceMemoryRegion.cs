using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct kvm_userspace_memory_region (linux/kvm.h).</summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
public struct KvmUserspaceMemoryRegion
{
    public uint Slot;
    public uint Flags;
    public ulong GuestPhysAddr;
    public ulong MemorySize;
    public ulong UserspaceAddr;
}
