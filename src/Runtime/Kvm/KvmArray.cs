using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>
/// The header the KVM uapi's variable-length arrays share (asm/kvm.h): {__u32 count; __u32 pad;} then the
/// entries, as struct kvm_cpuid2 (nent) and struct kvm_msrs (nmsrs) are laid out.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 8)]
public struct KvmArrayHeader
{
    public uint Count;
    public uint Padding;
}

/// <summary>Buffers for the ioctls that take a <see cref="KvmArrayHeader"/> and its entries.</summary>
internal static unsafe class KvmArray
{
    /// <summary>A zeroed buffer with room for <paramref name="count"/> entries, the header's count set to it.</summary>
    public static byte[] Create<TEntry>(int count) where TEntry : unmanaged
    {
        var buffer = new byte[sizeof(KvmArrayHeader) + count * sizeof(TEntry)];
        MemoryMarshal.Write(buffer, new KvmArrayHeader { Count = (uint)count });
        return buffer;
    }

    /// <summary>The entries the header's count holds now (KVM lowers it to what it wrote).</summary>
    public static Span<TEntry> Entries<TEntry>(byte[] buffer) where TEntry : unmanaged =>
        MemoryMarshal.Cast<byte, TEntry>(buffer.AsSpan(sizeof(KvmArrayHeader)))[..(int)MemoryMarshal.Read<KvmArrayHeader>(buffer).Count];
}
