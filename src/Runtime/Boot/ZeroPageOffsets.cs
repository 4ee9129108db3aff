namespace Vmspec.Runtime.Boot;

/// <summary>
/// Offsets into struct boot_params (the "zero page", 4096 bytes) that a 64-bit boot loader fills:
/// Documentation/arch/x86/zero-page.rst for the page, boot.rst for the setup header at 0x1F1.
/// </summary>
public static class ZeroPageOffsets
{
    public const int Size = 4096;

    public const int AcpiRsdpAddr = 0x070;
    public const int ExtRamdiskImage = 0x0C0;
    public const int ExtRamdiskSize = 0x0C4;
    public const int ExtCmdLinePtr = 0x0C8;
    public const int E820Entries = 0x1E8;
    public const int Sentinel = 0x1EF;
    public const int E820Table = 0x2D0;
    /// <summary>E820_MAX_ENTRIES_ZEROPAGE: the table has room for 128 entries of 20 bytes.</summary>
    public const int E820MaxEntries = 128;
    public const int E820EntrySize = 20;

    /// <summary>struct setup_header starts at 0x1F1 (setup_sects); the kernel image carries it at the same offset.</summary>
    public const int SetupHeader = 0x1F1;
    /// <summary>The header must end before edd_mbr_sig_buffer.</summary>
    public const int SetupHeaderLimit = 0x290;
    public const int BootFlag = 0x1FE;
    public const int Jump = 0x200;
    public const int Header = 0x202;
    public const int Version = 0x206;
    public const int TypeOfLoader = 0x210;
    public const int LoadFlags = 0x211;
    public const int Code32Start = 0x214;
    public const int RamdiskImage = 0x218;
    public const int RamdiskSize = 0x21C;
    public const int HeapEndPtr = 0x224;
    public const int CmdLinePtr = 0x228;
    public const int InitrdAddrMax = 0x22C;
    public const int KernelAlignment = 0x230;
    public const int CmdlineSize = 0x238;
    public const int PrefAddress = 0x258;
    public const int InitSize = 0x260;
}
