using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.Tests.Devices;

public sealed class UnclaimedIoTests
{
    [Fact]
    public void Reads_float_high_writes_are_dropped_and_every_address_is_counted()
    {
        var sink = new UnclaimedIo();
        Span<byte> word = stackalloc byte[4];

        sink.Read(0x2F9, word);
        Assert.Equal([0xFF, 0xFF, 0xFF, 0xFF], word.ToArray());
        Assert.Null(sink.Write(0x80, [0x8F]));
        Assert.Null(sink.Write(0x80, [0x0A]));
        sink.Write(0xFED0_0000, [1, 0, 0, 0]);
        sink.Read(0x1234, word[..2]);

        Assert.Equal(
        [
            "port 0x80 (POST code (io_delay)): 0 read(s), 2 write(s), first 1-byte write of 0x8f",
            "port 0x2f9 (COM2): 1 read(s), 0 write(s), first 4-byte read",
            "port 0x1234: 1 read(s), 0 write(s), first 2-byte read",
            "mmio 0xfed00000: 0 read(s), 1 write(s), first 4-byte write of 0x1",
        ], sink.Accesses.Select(UnclaimedIo.Describe));
        Assert.Equal([0x1234UL, 0xFED0_0000UL], sink.Unknown.Select(a => a.Address));
    }

    [Fact]
    public void The_report_ports_are_left_to_the_report_channel()
    {
        var sink = new UnclaimedIo();

        Assert.False(sink.Handles(ReportPorts.Done));
        Assert.False(sink.Handles(ReportPorts.EvictWorkload));
        Assert.True(sink.Handles((ushort)0x80));
    }
}
