namespace Vmspec.GuestKernels.Elf;

/// <summary>One ELF64 section header, with its name resolved from the section name string table.</summary>
public sealed record ElfSection(
    int Index,
    string Name,
    uint Type,
    ulong Flags,
    ulong Address,
    ulong Offset,
    ulong Size)
{
    /// <summary>SHT_NOBITS sections (.bss) occupy no bytes in the file.</summary>
    public const uint NoBits = 8;

    public bool HasFileContents => Type != NoBits && Type != 0;
}
