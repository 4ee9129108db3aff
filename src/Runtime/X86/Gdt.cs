using System.Buffers.Binary;

namespace Vmspec.Runtime.X86;

/// <summary>GDT descriptor encodings and the vmspec GDT: null, kernel code/data, user data/code, 64-bit TSS.</summary>
public static class Gdt
{
    public const int EntryCount = 7; // the TSS descriptor takes two slots
    public const int TssLimit = 0x67;

    public const ulong KernelCode64 = 0x00af_9a00_0000_ffff; // P, DPL0, code exec/read, L, G
    public const ulong KernelData = 0x00cf_9200_0000_ffff;   // P, DPL0, data read/write, D/B, G
    public const ulong UserData = 0x00cf_f200_0000_ffff;     // as KernelData with DPL3
    public const ulong UserCode64 = 0x00af_fa00_0000_ffff;   // as KernelCode64 with DPL3

    /// <summary>The 16-byte available 64-bit TSS descriptor (type 9, present) for a TSS at <paramref name="tssBase"/>.</summary>
    /// <param name="busy">type 0xB (busy) instead of 0x9 (available): what TR holds once loaded.</param>
    public static (ulong Low, ulong High) TssDescriptor(ulong tssBase, uint limit = TssLimit, bool busy = false) =>
        ((limit & 0xffff)
            | ((tssBase & 0xff_ffff) << 16)
            | ((busy ? 0x8bUL : 0x89UL) << 40)
            | ((ulong)(limit >> 16 & 0xf) << 48)
            | (((tssBase >> 24) & 0xff) << 56),
         tssBase >> 32);

    public static byte[] Build(ulong tssBase)
    {
        var (tssLow, tssHigh) = TssDescriptor(tssBase);
        ulong[] entries = [0, KernelCode64, KernelData, UserData, UserCode64, tssLow, tssHigh];
        var bytes = new byte[EntryCount * 8];
        for (int i = 0; i < entries.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), entries[i]);
        return bytes;
    }
}
