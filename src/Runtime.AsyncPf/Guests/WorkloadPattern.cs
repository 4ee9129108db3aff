using System.Buffers.Binary;

namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>
/// The contents of each page of a Linux guest's workload buffer, known to the /init that writes and checks them and
/// to the host that finds them in guest RAM: quadword 0 is <see cref="Magic"/>, quadword 1 is <see cref="IndexTag"/>
/// above the page index, every other quadword j of page i is (i &lt;&lt; 32 | j) * <see cref="Multiplier"/>.
/// </summary>
public static class WorkloadPattern
{
    public const int PageSize = 4096;
    public const int Quadwords = PageSize / 8;
    /// <summary>"VMSPECWL" little-endian.</summary>
    public const ulong Magic = 0x4C57_4345_5053_4D56;
    public const ulong IndexTag = 0x5041_4745UL << 32;
    /// <summary>An odd 64-bit constant (the golden ratio's): distinct pages and quadwords get distinct values.</summary>
    public const ulong Multiplier = 0x9E37_79B9_7F4A_7C15;

    public static ulong Quadword(ulong page, int j) => j switch
    {
        0 => Magic,
        1 => IndexTag | page,
        _ => unchecked(((page << 32) | (uint)j) * Multiplier),
    };

    /// <summary>The workload page index a guest page holds, or null when it is not a workload page of a buffer of <paramref name="pages"/>.</summary>
    public static ulong? PageIndexOf(ReadOnlySpan<byte> page, ulong pages)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(page) != Magic) return null;
        ulong tagged = BinaryPrimitives.ReadUInt64LittleEndian(page[8..]);
        ulong index = tagged & 0xFFFF_FFFF;
        return (tagged & ~0xFFFF_FFFFUL) == IndexTag && index < pages ? index : null;
    }
}
