using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct kvm_irq_level (linux/kvm.h), the argument of KVM_IRQ_LINE: a GSI and the level to drive it to.</summary>
[StructLayout(LayoutKind.Sequential, Size = 8)]
public struct KvmIrqLevel
{
    public uint Irq;
    public uint Level;
}
