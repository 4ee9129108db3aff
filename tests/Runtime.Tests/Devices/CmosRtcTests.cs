using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.Tests.Devices;

public sealed class CmosRtcTests
{
    private static byte ReadRegister(CmosRtc cmos, byte index)
    {
        cmos.Write(CmosRtc.IndexPort, [(byte)(0x80 | index)]); // bit 7 masks NMI, not part of the index
        Span<byte> value = stackalloc byte[1];
        cmos.Read(CmosRtc.DataPort, value);
        return value[0];
    }

    [Fact]
    public void The_clock_stands_at_2000_01_01_with_no_update_in_progress_and_valid_time()
    {
        var cmos = new CmosRtc();

        Assert.Equal(0, ReadRegister(cmos, CmosRtc.StatusA) & 0x80);
        Assert.Equal(CmosRtc.StatusDValid, ReadRegister(cmos, CmosRtc.StatusD));
        Assert.Equal([0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x20],
            new byte[] { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, CmosRtc.Century }.Select(r => ReadRegister(cmos, r)));
    }

    [Fact]
    public void RAM_reads_back_and_the_status_registers_C_and_D_are_read_only()
    {
        var cmos = new CmosRtc();

        cmos.Write(CmosRtc.IndexPort, [0x40]);
        cmos.Write(CmosRtc.DataPort, [0x5A]);
        cmos.Write(CmosRtc.IndexPort, [CmosRtc.StatusD]);
        cmos.Write(CmosRtc.DataPort, [0x00]);

        Assert.Equal(0x5A, ReadRegister(cmos, 0x40));
        Assert.Equal(CmosRtc.StatusDValid, ReadRegister(cmos, CmosRtc.StatusD));
    }
}
