namespace Vmspec.Runtime.Devices;

/// <summary>
/// An emulated device on the I/O port bus. The run loop offers each KVM_EXIT_IO to the first device whose
/// <see cref="Handles"/> accepts the port, once per repetition of string I/O; unclaimed ports go to the report-port decoder.
/// </summary>
public interface IPortIoDevice
{
    bool Handles(ushort port);

    /// <summary>IN: fill <paramref name="data"/> (1, 2 or 4 bytes).</summary>
    void Read(ushort port, Span<byte> data);

    /// <summary>OUT of <paramref name="data"/>; returns an event for the run's log (one that ends the run, e.g. a reset) or null.</summary>
    GuestEvent? Write(ushort port, ReadOnlySpan<byte> data);
}
