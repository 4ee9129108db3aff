using System.Buffers.Binary;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>What the userfaultfd resolver puts in each missing page: a quadword naming the page, repeated.</summary>
public static class PagePattern
{
    public static ulong Quadword(ulong pageIndex) => 0xA5F0_0000_0000_0000UL | (pageIndex << 12) | 0xabc;

    public static void Fill(ulong pageIndex, Span<byte> page)
    {
        ulong value = Quadword(pageIndex);
        for (int offset = 0; offset + 8 <= page.Length; offset += 8)
            BinaryPrimitives.WriteUInt64LittleEndian(page[offset..], value);
    }
}
