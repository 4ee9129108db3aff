using System.Buffers.Binary;

namespace Vmspec.Runtime.X86;

/// <summary>Identity page tables with 2 MiB pages, every level Present | Writable | User (as the prototype), so CPL3 code reaches all of RAM.</summary>
public static class PageTables
{
    public const ulong Present = 1, Writable = 2, User = 4, LargePage = 0x80;
    public const ulong LargePageSize = 0x20_0000;
    private const int EntriesPerTable = 512;

    public sealed record Tables(byte[] Pml4, byte[] Pdpt, byte[] PageDirectory);

    public static Tables BuildIdentity(GuestLayout layout)
    {
        ulong pages = layout.IdentityMapSize / LargePageSize;
        if (pages == 0 || pages > EntriesPerTable || layout.IdentityMapSize % LargePageSize != 0)
            throw new ArgumentException($"identity map size 0x{layout.IdentityMapSize:x} must be a multiple of 2 MiB up to 1 GiB");
        var pml4 = new byte[4096];
        var pdpt = new byte[4096];
        var pd = new byte[4096];
        const ulong tableFlags = Present | Writable | User;
        BinaryPrimitives.WriteUInt64LittleEndian(pml4, layout.Pdpt | tableFlags);
        BinaryPrimitives.WriteUInt64LittleEndian(pdpt, layout.PageDirectory | tableFlags);
        for (ulong i = 0; i < pages; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(pd.AsSpan((int)i * 8), (i * LargePageSize) | tableFlags | LargePage);
        return new Tables(pml4, pdpt, pd);
    }

    /// <summary>Guest-virtual to guest-physical under the identity map; null when unmapped.</summary>
    public static ulong? Translate(GuestLayout layout, ulong virtualAddress) =>
        virtualAddress < layout.IdentityMapSize ? virtualAddress : null;
}
