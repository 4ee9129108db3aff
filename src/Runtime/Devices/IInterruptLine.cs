namespace Vmspec.Runtime.Devices;

/// <summary>An interrupt request line a device drives: asserted while the device has an interrupt pending.</summary>
public interface IInterruptLine
{
    void Set(bool asserted);
}

/// <summary>A device that raises an ISA interrupt; the builder connects it to the in-kernel irqchip's GSI <see cref="Irq"/>.</summary>
public interface IInterruptSource
{
    uint Irq { get; }

    void Connect(IInterruptLine line);
}
