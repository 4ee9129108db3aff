namespace Vmspec.Runtime.Memory;

/// <summary>One KVM memory slot: a guest-physical range backed by an anonymous host mapping.</summary>
public sealed class GuestMemorySlot : IDisposable
{
    internal GuestMemorySlot(uint id, ulong guestPhysicalAddress, NativeMapping mapping)
    {
        Id = id;
        GuestPhysicalAddress = guestPhysicalAddress;
        Mapping = mapping;
    }

    public uint Id { get; }
    public ulong GuestPhysicalAddress { get; }
    public ulong Size => Mapping.Length;
    public ulong HostAddress => Mapping.Address;
    internal NativeMapping Mapping { get; }

    /// <summary>Set once the range is registered with userfaultfd: host reads would block until a page is resolved.</summary>
    public bool IsUserfaultBacked { get; internal set; }

    /// <summary>The host's view of [offset, offset + length) of the slot.</summary>
    public Span<byte> Span(ulong offset, int length) => Mapping.Slice(offset, length);

    public bool Contains(ulong gpa, ulong length) =>
        gpa >= GuestPhysicalAddress && length <= Size && gpa - GuestPhysicalAddress <= Size - length;

    public KvmUserspaceMemoryRegion ToRegion() => new()
    {
        Slot = Id,
        GuestPhysAddr = GuestPhysicalAddress,
        MemorySize = Size,
        UserspaceAddr = HostAddress,
    };

    public void Dispose() => Mapping.Dispose();
}
