using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct kvm_segment (asm/kvm.h).</summary>
[StructLayout(LayoutKind.Sequential, Size = 24)]
public struct KvmSegment
{
    public ulong Base;
    public uint Limit;
    public ushort Selector;
    public byte Type;
    public byte Present, Dpl, Db, S, L, G, Avl;
    public byte Unusable;
    public byte Padding;
}

/// <summary>struct kvm_dtable (asm/kvm.h): GDTR/IDTR.</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public struct KvmDtable
{
    public ulong Base;
    public ushort Limit;
    private ushort _padding0, _padding1, _padding2;
}

/// <summary>struct kvm_sregs (asm/kvm.h): segment, descriptor-table and control registers.</summary>
[StructLayout(LayoutKind.Sequential, Size = 312)]
public unsafe struct KvmSregs
{
    public KvmSegment Cs, Ds, Es, Fs, Gs, Ss;
    public KvmSegment Tr, Ldt;
    public KvmDtable Gdt, Idt;
    public ulong Cr0, Cr2, Cr3, Cr4, Cr8;
    public ulong Efer;
    public ulong ApicBase;
    /// <summary>interrupt_bitmap[(KVM_NR_INTERRUPTS + 63) / 64] with KVM_NR_INTERRUPTS = 256.</summary>
    public fixed ulong InterruptBitmap[4];
}
