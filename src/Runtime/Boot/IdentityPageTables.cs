using System.Buffers.Binary;

namespace Vmspec.Runtime.Boot;

/// <summary>Identity page tables for the 64-bit boot protocol: the first 4 GiB with 2 MiB pages, supervisor-only.</summary>
public static class IdentityPageTables
{
    private const ulong Present = 1, Writable = 2, LargePage = 0x80;
    private const ulong LargePageSize = 0x20_0000;

    /// <summary>(address, page) pairs: PML4, PDPT, then the page directories.</summary>
    public static IReadOnlyList<BootMemoryWrite> Build(LinuxBootLayout layout)
    {
        var pml4 = new byte[4096];
        var pdpt = new byte[4096];
        BinaryPrimitives.WriteUInt64LittleEndian(pml4, layout.Pdpt | Present | Writable);
        var writes = new List<BootMemoryWrite> { new(layout.Pml4, pml4), new(layout.Pdpt, pdpt) };
        for (int d = 0; d < LinuxBootLayout.PageDirectoryCount; d++)
        {
            ulong directory = layout.PageDirectories + (ulong)d * 4096;
            BinaryPrimitives.WriteUInt64LittleEndian(pdpt.AsSpan(d * 8), directory | Present | Writable);
            var pd = new byte[4096];
            for (int i = 0; i < 512; i++)
            {
                ulong physical = ((ulong)d << 30) + (ulong)i * LargePageSize;
                BinaryPrimitives.WriteUInt64LittleEndian(pd.AsSpan(i * 8), physical | Present | Writable | LargePage);
            }
            writes.Add(new(directory, pd));
        }
        return writes;
    }
}
