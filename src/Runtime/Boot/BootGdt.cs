using System.Buffers.Binary;

namespace Vmspec.Runtime.Boot;

/// <summary>
/// The GDT the x86 boot protocols require: flat 4 GiB segments at __BOOT_CS (0x10) and __BOOT_DS (0x18)
/// (boot.rst, "64-bit Boot Protocol"; PVH uses the same slots with a 32-bit code segment), and a TSS for TR.
/// </summary>
public static class BootGdt
{
    public const ushort BootCs = 0x10;
    public const ushort BootDs = 0x18;
    public const ushort TssSelector = 0x20;
    public const uint TssLimit = 0x67;
    public const int Size = 6 * 8; // the 64-bit TSS descriptor takes two slots

    public const ulong Code64 = 0x00af_9b00_0000_ffff; // P, DPL0, exec/read accessed, L, G
    public const ulong Code32 = 0x00cf_9b00_0000_ffff; // P, DPL0, exec/read accessed, D, G
    public const ulong Data = 0x00cf_9300_0000_ffff;   // P, DPL0, read/write accessed, B, G

    public static byte[] Build(bool longMode, ulong tssBase)
    {
        var (tssLow, tssHigh) = Gdt.TssDescriptor(tssBase, TssLimit, busy: true);
        ulong[] entries = [0, 0, longMode ? Code64 : Code32, Data, tssLow, longMode ? tssHigh : 0];
        var bytes = new byte[Size];
        for (int i = 0; i < entries.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), entries[i]);
        return bytes;
    }

    /// <summary>The hidden parts of the segment registers, matching the descriptors of <see cref="Build"/>.</summary>
    public static (KvmSegment Code, KvmSegment Data, KvmSegment Task) Segments(bool longMode, ulong tssBase)
    {
        var code = new KvmSegment { Base = 0, Limit = 0xffff_ffff, Selector = BootCs, Type = 11, Present = 1, S = 1, G = 1, L = (byte)(longMode ? 1 : 0), Db = (byte)(longMode ? 0 : 1) };
        var data = code with { Selector = BootDs, Type = 3, L = 0, Db = 1 };
        var task = new KvmSegment { Base = tssBase, Limit = TssLimit, Selector = TssSelector, Type = 11, Present = 1, S = 0 };
        return (code, data, task);
    }
}
