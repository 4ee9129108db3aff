using System.Buffers.Binary;
using System.Text;

namespace Vmspec.GuestKernels.Tests.Builders;

/// <summary>Writes a minimal little-endian ELF64: a header, the given sections, .shstrtab, then the section header table.</summary>
internal static class ElfBuilder
{
    public static byte[] Build(params (string Name, byte[] Contents)[] sections)
    {
        var names = new MemoryStream();
        names.WriteByte(0);
        var nameOffsets = new List<int>();
        foreach (var (name, _) in sections.Append((".shstrtab", [])))
        {
            nameOffsets.Add((int)names.Length);
            names.Write(Encoding.ASCII.GetBytes(name));
            names.WriteByte(0);
        }
        byte[] nameTable = names.ToArray();
        var all = sections.Append((Name: ".shstrtab", Contents: nameTable)).ToArray();

        var body = new MemoryStream();
        body.Write(new byte[64]);
        var offsets = new List<long>();
        foreach (var (_, contents) in all)
        {
            offsets.Add(body.Length);
            body.Write(contents);
        }
        while (body.Length % 8 != 0)
            body.WriteByte(0);
        long shoff = body.Length;
        body.Write(new byte[64]); // section 0: SHT_NULL
        for (int i = 0; i < all.Length; i++)
        {
            var sh = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(sh, (uint)nameOffsets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(sh.AsSpan(4), i == all.Length - 1 ? 3u : 1u); // STRTAB : PROGBITS
            BinaryPrimitives.WriteUInt64LittleEndian(sh.AsSpan(24), (ulong)offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(sh.AsSpan(32), (ulong)all[i].Contents.Length);
            body.Write(sh);
        }
        byte[] elf = body.ToArray();
        "\x7F"u8.CopyTo(elf);
        "ELF"u8.CopyTo(elf.AsSpan(1));
        elf[4] = 2; // ELFCLASS64
        elf[5] = 1; // little-endian
        elf[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(16), 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(18), 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(40), (ulong)shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(58), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(60), (ushort)(all.Length + 1));
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(62), (ushort)all.Length);
        return elf;
    }
}
