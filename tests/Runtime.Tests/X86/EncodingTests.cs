using System.Buffers.Binary;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Tests.X86;

/// <summary>GDT, TSS, IDT and page-table encodings equal what apf-prototype.c writes.</summary>
public sealed class EncodingTests
{
    private static ulong Word(byte[] bytes, int index) => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(index * 8));

    [Fact]
    public void GDT_matches_the_prototype()
    {
        byte[] gdt = Gdt.Build(0x5000);

        Assert.Equal(Gdt.EntryCount * 8, gdt.Length);
        Assert.Equal(0UL, Word(gdt, 0));
        Assert.Equal(0x00af9a000000ffffUL, Word(gdt, Selectors.KernelCode / 8));
        Assert.Equal(0x00cf92000000ffffUL, Word(gdt, Selectors.KernelData / 8));
        Assert.Equal(0x00cff2000000ffffUL, Word(gdt, Selectors.UserData / 8));
        Assert.Equal(0x00affa000000ffffUL, Word(gdt, Selectors.UserCode / 8));
        // Prototype: (tl & 0xffff) | ((tb & 0xffffff) << 16) | (0x89 << 40) | (((tb >> 24) & 0xff) << 56); tb >> 32
        Assert.Equal(0x67UL | (0x5000UL << 16) | (0x89UL << 40), Word(gdt, Selectors.Tss / 8));
        Assert.Equal(0UL, Word(gdt, Selectors.Tss / 8 + 1));
    }

    [Fact]
    public void TSS_descriptor_splits_a_high_base_across_both_words()
    {
        var (low, high) = Gdt.TssDescriptor(0x1234_5678_9abc_def0);

        Assert.Equal(0x12345678UL, high);
        Assert.Equal(0x9aUL, low >> 56);
        Assert.Equal(0xbcdef0UL, (low >> 16) & 0xffffff);
        Assert.Equal(0x89UL, (low >> 40) & 0xff);
    }

    [Fact]
    public void TSS_holds_rsp0_and_no_io_bitmap()
    {
        byte[] tss = Tss.Build(0x1f0000);

        Assert.Equal(0x1f0000UL, BinaryPrimitives.ReadUInt64LittleEndian(tss.AsSpan(4)));
        Assert.Equal(Tss.Size, BinaryPrimitives.ReadUInt16LittleEndian(tss.AsSpan(0x66)));
    }

    [Fact]
    public void IDT_gate_matches_the_prototype_formula()
    {
        const ulong h = 0x0000_1234_5678_9abc;
        var gate = new byte[16];

        IdtGate.Encode(gate, h);

        Assert.Equal((h & 0xffff) | (0x08UL << 16) | (0x8eUL << 40) | (((h >> 16) & 0xffff) << 48), Word(gate, 0));
        Assert.Equal(h >> 32, Word(gate, 1));
    }

    [Fact]
    public void IDT_table_leaves_unhandled_vectors_not_present()
    {
        byte[] table = IdtGate.BuildTable(new Dictionary<int, ulong> { [14] = 0x10000 });

        Assert.Equal(256 * 16, table.Length);
        Assert.Equal(0x8e, table[14 * 16 + 5]);
        Assert.Equal(0, table[13 * 16 + 5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => IdtGate.BuildTable(new Dictionary<int, ulong> { [256] = 1 }));
    }

    [Fact]
    public void Identity_page_tables_use_2_MiB_user_writable_pages()
    {
        var t = PageTables.BuildIdentity(GuestLayout.Default);

        Assert.Equal(0x3007UL, Word(t.Pml4, 0));
        Assert.Equal(0x4007UL, Word(t.Pdpt, 0));
        Assert.Equal(0x87UL, Word(t.PageDirectory, 0));
        Assert.Equal((1UL << 21) | 0x87, Word(t.PageDirectory, 1));
        Assert.Equal((511UL << 21) | 0x87, Word(t.PageDirectory, 511));
        Assert.Equal(0UL, Word(t.Pml4, 1));
        Assert.Throws<ArgumentException>(() => PageTables.BuildIdentity(GuestLayout.Default with { IdentityMapSize = 0x8000_0000 }));
    }

    [Fact]
    public void Long_mode_sregs_match_the_prototype()
    {
        KvmSregs s = LongModeSetup.Sregs(default, GuestLayout.Default);

        Assert.Equal(0x80050033UL, s.Cr0);
        Assert.Equal(0x20UL, s.Cr4);
        Assert.Equal(0x500UL, s.Efer);
        Assert.Equal(0x2000UL, s.Cr3);
        Assert.Equal((ushort)0x08, s.Cs.Selector);
        Assert.Equal((byte)1, s.Cs.L);
        Assert.Equal((byte)11, s.Cs.Type);
        Assert.Equal((byte)0, s.Ss.L);
        Assert.Equal((byte)1, s.Ss.Db);
        Assert.Equal((ushort)0x10, s.Ds.Selector);
        Assert.Equal(0x5000UL, s.Tr.Base);
        Assert.Equal((ushort)0x28, s.Tr.Selector);
        Assert.Equal((ushort)(7 * 8 - 1), s.Gdt.Limit);
        Assert.Equal((ushort)(256 * 16 - 1), s.Idt.Limit);
        Assert.Equal(0x7000UL, s.Idt.Base);
    }

    [Fact]
    public void Entry_registers_start_at_the_program_with_interrupts_off()
    {
        KvmRegs r = LongModeSetup.EntryRegs(GuestLayout.Default, 0x10000);

        Assert.Equal(0x10000UL, r.Rip);
        Assert.Equal(0x1f0000UL, r.Rsp);
        Assert.Equal(2UL, r.Rflags);
    }
}
