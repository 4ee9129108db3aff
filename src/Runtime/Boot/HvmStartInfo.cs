using System.Buffers.Binary;

namespace Vmspec.Runtime.Boot;

/// <summary>
/// The PVH boot ABI's structures (xen/include/public/arch-x86/hvm/start_info.h, version 1): hvm_start_info,
/// hvm_modlist_entry and hvm_memmap_table_entry, written into one page.
/// </summary>
public static class HvmStartInfo
{
    public const uint Magic = 0x336E_C578;
    public const uint Version = 1;

    // struct hvm_start_info (56 bytes)
    public const int MagicOffset = 0, VersionOffset = 4, FlagsOffset = 8, NrModulesOffset = 12, ModlistPaddrOffset = 16,
        CmdlinePaddrOffset = 24, RsdpPaddrOffset = 32, MemmapPaddrOffset = 40, MemmapEntriesOffset = 48, Size = 56;
    // struct hvm_modlist_entry: paddr, size, cmdline_paddr, reserved
    public const int ModlistEntrySize = 32;
    // struct hvm_memmap_table_entry: addr, size, type, reserved
    public const int MemmapEntrySize = 24;

    /// <summary>Where, inside the start-info page, the module list and memory map go.</summary>
    public const int ModlistOffsetInPage = 0x40, MemmapOffsetInPage = 0x80;
    public const int MaxMemmapEntries = (4096 - MemmapOffsetInPage) / MemmapEntrySize;

    /// <summary>The 4 KiB page at <paramref name="pageAddress"/>: start info, the initramfs as the only module (if any), the memory map.</summary>
    public static byte[] BuildPage(ulong pageAddress, ulong commandLine, ulong initramfsAddress, ulong initramfsSize, IReadOnlyList<E820Entry> memoryMap)
    {
        if (memoryMap.Count > MaxMemmapEntries)
            throw new BootLoaderException($"{memoryMap.Count} memory map entries; the start-info page holds {MaxMemmapEntries}");
        var page = new byte[4096];
        Span<byte> info = page;
        BinaryPrimitives.WriteUInt32LittleEndian(info[MagicOffset..], Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(info[VersionOffset..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(info[CmdlinePaddrOffset..], commandLine);
        if (initramfsSize != 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(info[NrModulesOffset..], 1);
            BinaryPrimitives.WriteUInt64LittleEndian(info[ModlistPaddrOffset..], pageAddress + ModlistOffsetInPage);
            BinaryPrimitives.WriteUInt64LittleEndian(info[ModlistOffsetInPage..], initramfsAddress);
            BinaryPrimitives.WriteUInt64LittleEndian(info[(ModlistOffsetInPage + 8)..], initramfsSize);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(info[MemmapPaddrOffset..], pageAddress + MemmapOffsetInPage);
        BinaryPrimitives.WriteUInt32LittleEndian(info[MemmapEntriesOffset..], (uint)memoryMap.Count);
        for (int i = 0; i < memoryMap.Count; i++)
        {
            Span<byte> entry = info.Slice(MemmapOffsetInPage + i * MemmapEntrySize, MemmapEntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(entry, memoryMap[i].Address);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], memoryMap[i].Size);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], (uint)memoryMap[i].Type);
        }
        return page;
    }
}
