using System.Buffers.Binary;

namespace Vmspec.Runtime.Memory;

/// <summary>Guest RAM: page-aligned slots from anonymous mmap, with bounds-checked guest-physical access.</summary>
public sealed class GuestMemory : IDisposable
{
    public const ulong PageSize = 4096;

    private readonly List<GuestMemorySlot> _slots = [];

    public IReadOnlyList<GuestMemorySlot> Slots => _slots;

    /// <summary>Maps a new slot (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE); it must not overlap another.</summary>
    public GuestMemorySlot AddSlot(uint id, ulong guestPhysicalAddress, ulong size)
    {
        if (size == 0 || size % PageSize != 0 || guestPhysicalAddress % PageSize != 0)
            throw new ArgumentException($"slot {id}: base 0x{guestPhysicalAddress:x} and size 0x{size:x} must be page-aligned and non-empty");
        if (_slots.Any(s => s.Id == id))
            throw new ArgumentException($"slot {id} already exists");
        if (_slots.FirstOrDefault(s => guestPhysicalAddress < s.GuestPhysicalAddress + s.Size && s.GuestPhysicalAddress < guestPhysicalAddress + size) is { } clash)
            throw new ArgumentException($"slot {id} [0x{guestPhysicalAddress:x}, +0x{size:x}) overlaps slot {clash.Id}");
        var slot = new GuestMemorySlot(id, guestPhysicalAddress, NativeMapping.Anonymous(size));
        _slots.Add(slot);
        return slot;
    }

    /// <summary>The host bytes of [gpa, gpa + length), which must lie in one ordinary (not userfaultfd) slot.</summary>
    public Span<byte> Span(ulong gpa, int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        GuestMemorySlot slot = _slots.FirstOrDefault(s => s.Contains(gpa, (ulong)length))
            ?? throw new ArgumentOutOfRangeException(nameof(gpa), $"guest-physical [0x{gpa:x}, +0x{length:x}) is not inside one memory slot");
        if (slot.IsUserfaultBacked)
            throw new InvalidOperationException($"guest-physical 0x{gpa:x} is in userfaultfd slot {slot.Id}: host access would block on a missing page");
        return slot.Mapping.Slice(gpa - slot.GuestPhysicalAddress, length);
    }

    public bool IsReadable(ulong gpa, int length) =>
        _slots.Any(s => s.Contains(gpa, (ulong)length) && !s.IsUserfaultBacked);

    public void Write(ulong gpa, ReadOnlySpan<byte> data) => data.CopyTo(Span(gpa, data.Length));

    public void Read(ulong gpa, Span<byte> destination) => Span(gpa, destination.Length).CopyTo(destination);

    public void WriteUInt64(ulong gpa, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Span(gpa, 8), value);

    public ulong ReadUInt64(ulong gpa) => BinaryPrimitives.ReadUInt64LittleEndian(Span(gpa, 8));

    public void WriteUInt32(ulong gpa, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Span(gpa, 4), value);

    public uint ReadUInt32(ulong gpa) => BinaryPrimitives.ReadUInt32LittleEndian(Span(gpa, 4));

    public void Dispose()
    {
        foreach (var slot in _slots) slot.Dispose();
        _slots.Clear();
    }
}
