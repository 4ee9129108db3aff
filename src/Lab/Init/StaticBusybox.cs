using System.Buffers.Binary;

namespace Vmspec.Lab.Init;

/// <summary>The lab's userland before the host's root is mounted: Debian's statically linked busybox.</summary>
public static class StaticBusybox
{
    public const string DebianPackage = "busybox-static";
    private static readonly string[] Candidates = ["/bin/busybox", "/usr/bin/busybox"];

    public static byte[] Load()
    {
        foreach (string path in Candidates.Where(File.Exists))
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (IsStaticElf(bytes))
                return bytes;
        }
        throw new LabException($"no statically linked busybox: the lab's init needs one (apt-get install {DebianPackage})");
    }

    /// <summary>An x86-64 ELF executable with no PT_INTERP program header needs no dynamic loader.</summary>
    internal static bool IsStaticElf(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < 64 || !elf.StartsWith("\x7F"u8 + "ELF"u8) || elf[4] != 2 || BinaryPrimitives.ReadUInt16LittleEndian(elf[18..]) != 62)
            return false;
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(elf[32..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf[54..]), phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf[56..]);
        if (phentsize < 4 || phoff + (ulong)(phentsize * phnum) > (ulong)elf.Length)
            return false;
        for (int i = 0; i < phnum; i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(phoff + (ulong)(i * phentsize))..]) == 3 /* PT_INTERP */)
                return false;
        return true;
    }
}
