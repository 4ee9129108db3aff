using System.Buffers.Binary;
using Vmspec.GuestKernels.Boot;

namespace Vmspec.Runtime.Boot;

/// <summary>What the loader decided, for the zero page.</summary>
public sealed record BootParamsInput(
    ulong CommandLineAddress,
    ulong InitramfsAddress,
    ulong InitramfsSize,
    IReadOnlyList<E820Entry> MemoryMap);

/// <summary>Builds struct boot_params (the zero page) for the 64-bit boot protocol (boot.rst, zero-page.rst).</summary>
public static class BootParams
{
    public const byte LoaderUndefined = 0xFF;
    /// <summary>End of the setup heap as an offset from the real-mode code minus 0x200 (the usual 64 KiB segment).</summary>
    public const ushort HeapEnd = 0xFE00;

    /// <summary>
    /// The setup header copied from <paramref name="image"/> (0x1F1 to its end), then the loader's fields:
    /// type_of_loader, loadflags CAN_USE_HEAP, heap_end_ptr, command line, ramdisk and the e820 table.
    /// </summary>
    public static byte[] Build(ReadOnlySpan<byte> image, BzImage header, BootParamsInput input)
    {
        if (header.HeaderEnd > ZeroPageOffsets.SetupHeaderLimit)
            throw new BootLoaderException($"setup header ends at 0x{header.HeaderEnd:x}, past the zero page's header area (0x{ZeroPageOffsets.SetupHeaderLimit:x})");
        if (input.MemoryMap.Count > ZeroPageOffsets.E820MaxEntries)
            throw new BootLoaderException($"{input.MemoryMap.Count} e820 entries; the zero page holds {ZeroPageOffsets.E820MaxEntries}");

        var page = new byte[ZeroPageOffsets.Size];
        image[ZeroPageOffsets.SetupHeader..header.HeaderEnd].CopyTo(page.AsSpan(ZeroPageOffsets.SetupHeader));

        page[ZeroPageOffsets.TypeOfLoader] = LoaderUndefined;
        page[ZeroPageOffsets.LoadFlags] |= (byte)LoadFlags.CanUseHeap;
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(ZeroPageOffsets.HeapEndPtr), HeapEnd);
        WriteSplit(page, ZeroPageOffsets.CmdLinePtr, ZeroPageOffsets.ExtCmdLinePtr, input.CommandLineAddress);
        WriteSplit(page, ZeroPageOffsets.RamdiskImage, ZeroPageOffsets.ExtRamdiskImage, input.InitramfsAddress);
        WriteSplit(page, ZeroPageOffsets.RamdiskSize, ZeroPageOffsets.ExtRamdiskSize, input.InitramfsSize);

        page[ZeroPageOffsets.E820Entries] = (byte)input.MemoryMap.Count;
        for (int i = 0; i < input.MemoryMap.Count; i++)
        {
            Span<byte> entry = page.AsSpan(ZeroPageOffsets.E820Table + i * ZeroPageOffsets.E820EntrySize, ZeroPageOffsets.E820EntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(entry, input.MemoryMap[i].Address);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], input.MemoryMap[i].Size);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], (uint)input.MemoryMap[i].Type);
        }
        return page;
    }

    /// <summary>Reads the e820 table back (for checks and tests).</summary>
    public static IReadOnlyList<E820Entry> ReadE820(ReadOnlySpan<byte> page)
    {
        int count = page[ZeroPageOffsets.E820Entries];
        var entries = new E820Entry[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = page.Slice(ZeroPageOffsets.E820Table + i * ZeroPageOffsets.E820EntrySize, ZeroPageOffsets.E820EntrySize);
            entries[i] = new E820Entry(BinaryPrimitives.ReadUInt64LittleEndian(entry), BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                (E820Type)BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]));
        }
        return entries;
    }

    /// <summary>A 64-bit value as a 32-bit header field plus its ext_* high half in the zero page.</summary>
    private static void WriteSplit(Span<byte> page, int lowOffset, int highOffset, ulong value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(page[lowOffset..], (uint)value);
        BinaryPrimitives.WriteUInt32LittleEndian(page[highOffset..], (uint)(value >> 32));
    }
}
