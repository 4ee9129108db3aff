namespace Vmspec.Runtime.Devices;

/// <summary>
/// An ISA interrupt line into the in-kernel PIC and IOAPIC (KVM_IRQ_LINE). Only changes reach KVM: the PIC latches
/// edges, so a device that keeps its line high while it re-raises an interrupt would lose it (QEMU's serial lowers
/// and raises its line the same way).
/// </summary>
public sealed class KvmIrqLine(KvmVmFd vm, uint irq) : IInterruptLine
{
    private bool _asserted;

    public void Set(bool asserted)
    {
        if (asserted == _asserted) return;
        _asserted = asserted;
        vm.SetIrqLine(irq, asserted);
    }
}
