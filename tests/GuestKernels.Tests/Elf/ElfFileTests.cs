using System.Buffers.Binary;
using Vmspec.GuestKernels.Elf;
using Vmspec.GuestKernels.Tests.Builders;

namespace Vmspec.GuestKernels.Tests.Elf;

public sealed class ElfFileTests
{
    private static readonly byte[] Btf = SyntheticKernel.ApfBtf(legacy68: false);
    private static readonly byte[] Elf = ElfBuilder.Build((".text", new byte[100]), (".BTF", Btf));

    [Fact]
    public void Reads_sections_and_finds_BTF_by_name()
    {
        var elf = ElfFile.Parse(Elf, "vmlinux");
        Assert.Equal(62, elf.Machine);
        Assert.Equal(["", ".text", ".BTF", ".shstrtab"], elf.Sections.Select(s => s.Name));
        var btf = elf.FindSection(".BTF")!;
        Assert.Equal(2, btf.Index);
        Assert.Equal(Btf, elf.GetContents(btf).ToArray());
        Assert.Null(elf.FindSection(".BTF.ext"));
    }

    [Theory]
    [InlineData(4, 1, "vmlinux: ELF e_ident[EI_CLASS] at offset 0x4 is 1, expected 2 (ELF64)")]
    [InlineData(5, 2, "vmlinux: ELF e_ident[EI_DATA] at offset 0x5 is 2, expected 1 (little-endian)")]
    [InlineData(58, 40, "vmlinux: ELF e_shentsize at offset 0x3A is 40, expected 64")]
    public void Rejects_headers_we_cannot_read(int offset, byte value, string message)
    {
        byte[] elf = (byte[])Elf.Clone();
        elf[offset] = value;
        Assert.Equal(message, Assert.Throws<KernelImageException>(() => ElfFile.Parse(elf, "vmlinux")).Message);
    }

    [Fact]
    public void Rejects_a_section_that_runs_past_the_end()
    {
        byte[] elf = (byte[])Elf.Clone();
        long shoff = BinaryPrimitives.ReadInt64LittleEndian(elf.AsSpan(40));
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan((int)shoff + 2 * 64 + 32), 1UL << 40); // .BTF sh_size
        Assert.StartsWith("vmlinux: ELF section 2 (0x", Assert.Throws<KernelImageException>(() => ElfFile.Parse(elf, "vmlinux")).Message);
    }

    [Fact]
    public void Rejects_a_name_index_outside_the_table()
    {
        byte[] elf = (byte[])Elf.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(62), 9);
        Assert.Equal("vmlinux: ELF e_shstrndx 9 is not below the section count 4",
            Assert.Throws<KernelImageException>(() => ElfFile.Parse(elf, "vmlinux")).Message);
    }

    [Fact]
    public void Every_truncation_point_gives_a_clear_error()
    {
        for (int length = 0; length < Elf.Length; length++)
            Assert.StartsWith("cut: ", Assert.Throws<KernelImageException>(() => ElfFile.Parse(Elf[..length], "cut")).Message);
    }

    [Fact]
    public void A_vmlinux_without_BTF_says_why()
    {
        var image = KernelImage.FromBytes(ElfBuilder.Build((".text", new byte[16])), "nobtf");
        Assert.Equal(KernelImageFormat.Elf, image.Format);
        Assert.False(image.HasBtf);
        Assert.Equal("nobtf: the vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)",
            Assert.Throws<KernelImageException>(image.ReadTypes).Message);
    }
}
