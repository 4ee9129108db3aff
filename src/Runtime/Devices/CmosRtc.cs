namespace Vmspec.Runtime.Devices;

/// <summary>
/// The MC146818 CMOS/RTC at ports 0x70 (index; bit 7 is the NMI mask) and 0x71 (data), as much as a booting kernel
/// reads: a clock stopped at a fixed date (2000-01-01 00:00:00, BCD, 24-hour) with no update in progress, valid
/// RAM and time, and 128 bytes of RAM that read back what was written. A clock that never ticks keeps runs
/// deterministic; floating-high reads instead would show an update in progress forever, and Linux's rtc_cmos spins.
/// </summary>
public sealed class CmosRtc : IPortIoDevice
{
    public const ushort IndexPort = 0x70, DataPort = 0x71;
    public const byte StatusA = 0x0A, StatusB = 0x0B, StatusC = 0x0C, StatusD = 0x0D, Century = 0x32;
    /// <summary>Status A: 32.768 kHz time base, 1.024 kHz rate, update-in-progress (bit 7) clear.</summary>
    public const byte StatusADefault = 0x26;
    /// <summary>Status B: 24-hour mode, BCD, no interrupts enabled.</summary>
    public const byte StatusBDefault = 0x02;
    /// <summary>Status D: valid RAM and time (bit 7).</summary>
    public const byte StatusDValid = 0x80;

    private readonly byte[] _ram = new byte[128];
    private byte _index;

    public CmosRtc()
    {
        _ram[0x04] = 0x00; // hours
        _ram[0x06] = 0x07; // day of week: Saturday
        _ram[0x07] = 0x01; // day of month
        _ram[0x08] = 0x01; // month
        _ram[0x09] = 0x00; // year
        _ram[Century] = 0x20;
        _ram[StatusA] = StatusADefault;
        _ram[StatusB] = StatusBDefault;
        _ram[StatusD] = StatusDValid;
    }

    public bool Handles(ushort port) => port is IndexPort or DataPort;

    public void Read(ushort port, Span<byte> data)
    {
        data.Fill(0xFF);
        if (port == DataPort) data[0] = _ram[_index];
    }

    public GuestEvent? Write(ushort port, ReadOnlySpan<byte> data)
    {
        if (port == IndexPort)
            _index = (byte)(data[0] & 0x7F);
        else if (_index is not (StatusC or StatusD)) // C and D are read-only
            _ram[_index] = _index == StatusA ? (byte)(data[0] & 0x7F) : data[0];
        return null;
    }
}
