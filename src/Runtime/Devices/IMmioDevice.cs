namespace Vmspec.Runtime.Devices;

/// <summary>An emulated device on the MMIO bus: the run loop offers each KVM_EXIT_MMIO to the first device that handles its address.</summary>
public interface IMmioDevice
{
    bool Handles(ulong address);

    /// <summary>A read: fill <paramref name="data"/> (1 to 8 bytes).</summary>
    void Read(ulong address, Span<byte> data);

    void Write(ulong address, ReadOnlySpan<byte> data);
}
