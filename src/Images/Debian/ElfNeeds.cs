using System.Buffers.Binary;
using System.Text;

namespace Vmspec.Images;

/// <summary>
/// What an x86-64 ELF file needs from the dynamic loader: its interpreter (PT_INTERP) and the sonames of its DT_NEEDED
/// entries, read from the program headers and the dynamic segment (the string table located through the PT_LOAD that
/// maps it). A file that is not a 64-bit little-endian ELF needs nothing.
/// </summary>
internal static class ElfNeeds
{
    private const uint PtLoad = 1, PtDynamic = 2, PtInterp = 3;
    private const long DtNull = 0, DtNeeded = 1, DtStrtab = 5;
    private static ReadOnlySpan<byte> Magic => [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    public static (string? Interpreter, IReadOnlyList<string> Needed) Read(ReadOnlySpan<byte> elf, string source)
    {
        if (elf.Length < 64 || !elf[..4].SequenceEqual(Magic) || elf[4] != 2 || elf[5] != 1)
            return (null, []);
        try
        {
            var headers = ProgramHeaders(elf);
            string? interpreter = headers.FirstOrDefault(h => h.Type == PtInterp) is { Type: PtInterp } interp
                ? CString(elf, checked((int)interp.Offset))
                : null;
            return (interpreter, headers.FirstOrDefault(h => h.Type == PtDynamic) is { Type: PtDynamic } dynamic
                ? Needed(elf, dynamic, headers)
                : []);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException or IndexOutOfRangeException)
        {
            throw new ImageBuildException($"{source}: a malformed ELF file (its program headers or dynamic segment point outside it)", e);
        }
    }

    private readonly record struct ProgramHeader(uint Type, ulong Offset, ulong VirtualAddress, ulong FileSize);

    private static List<ProgramHeader> ProgramHeaders(ReadOnlySpan<byte> elf)
    {
        var offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(elf[0x20..]));
        var size = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x36..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x38..]);
        var headers = new List<ProgramHeader>(count);
        for (var i = 0; i < count; i++)
        {
            var header = elf.Slice(checked(offset + (i * size)), 56);
            headers.Add(new ProgramHeader(BinaryPrimitives.ReadUInt32LittleEndian(header),
                BinaryPrimitives.ReadUInt64LittleEndian(header[8..]), BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[32..])));
        }
        return headers;
    }

    private static List<string> Needed(ReadOnlySpan<byte> elf, ProgramHeader dynamic, List<ProgramHeader> headers)
    {
        var entries = elf.Slice(checked((int)dynamic.Offset), checked((int)dynamic.FileSize));
        var needed = new List<long>();
        long? strtab = null;
        for (var at = 0; at + 16 <= entries.Length; at += 16)
        {
            var tag = BinaryPrimitives.ReadInt64LittleEndian(entries[at..]);
            var value = BinaryPrimitives.ReadInt64LittleEndian(entries[(at + 8)..]);
            if (tag == DtNull)
                break;
            if (tag == DtNeeded)
                needed.Add(value);
            else if (tag == DtStrtab)
                strtab = value;
        }
        if (needed.Count == 0)
            return [];
        var table = FileOffset(headers, (ulong)(strtab ?? throw new ArgumentOutOfRangeException(nameof(elf), "DT_NEEDED without DT_STRTAB")));
        var names = new List<string>(needed.Count);
        foreach (var name in needed)
            names.Add(CString(elf, checked((int)(table + (ulong)name))));
        return names;
    }

    /// <summary>The file offset of a virtual address, through the PT_LOAD segment that maps it.</summary>
    private static ulong FileOffset(List<ProgramHeader> headers, ulong address) =>
        headers.FirstOrDefault(h => h.Type == PtLoad && address >= h.VirtualAddress && address < h.VirtualAddress + h.FileSize) is { Type: PtLoad } load
            ? address - load.VirtualAddress + load.Offset
            : throw new ArgumentOutOfRangeException(nameof(address), "the string table is in no PT_LOAD segment");

    private static string CString(ReadOnlySpan<byte> elf, int offset)
    {
        var rest = elf[offset..];
        var end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? throw new ArgumentOutOfRangeException(nameof(offset), "an unterminated string") : rest[..end]);
    }
}
