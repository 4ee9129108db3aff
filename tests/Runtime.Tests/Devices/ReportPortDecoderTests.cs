using System.Buffers.Binary;
using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.Tests.Devices;

public sealed class ReportPortDecoderTests
{
    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    private static GuestEvent? Out(ReportPortDecoder d, ushort port, uint value) => d.Decode(port, true, U32(value));

    [Fact]
    public void Kind_low_and_high_make_one_64_bit_report()
    {
        var d = new ReportPortDecoder();

        Assert.Null(Out(d, ReportPorts.Kind, 7));
        Assert.Null(Out(d, ReportPorts.ValueLow, 0x89abcdef));
        var e = Out(d, ReportPorts.ValueHigh, 0x01234567);

        Assert.Equal(new GuestReport(7, 0x0123456789abcdef), e);
        Assert.False(e!.EndsRun);
    }

    [Fact]
    public void A_value_without_its_kind_is_a_protocol_violation()
    {
        var d = new ReportPortDecoder();
        Out(d, ReportPorts.ValueLow, 1);

        Assert.IsType<ReportProtocolViolation>(Out(d, ReportPorts.ValueHigh, 0));
    }

    [Fact]
    public void Message_bytes_then_assert_failed_end_the_run_with_the_message()
    {
        var d = new ReportPortDecoder();
        foreach (byte b in "EN readback"u8.ToArray()) Assert.Null(d.Decode(ReportPorts.MessageByte, true, [b]));

        var e = Out(d, ReportPorts.AssertFailed, 3);

        Assert.Equal(new GuestAssertFailure(3, "EN readback"), e);
        Assert.True(e!.EndsRun);
    }

    [Theory]
    [InlineData(0u, true)]
    [InlineData(1u, false)]
    public void Six_exception_fields_and_an_end_make_an_exception_event(uint disposition, bool recovered)
    {
        var d = new ReportPortDecoder();
        foreach (uint f in new uint[] { 13, 0, 0x10040, 0, 0xdead0000, 0x1 }) Assert.Null(Out(d, ReportPorts.ExceptionField, f));

        var e = Assert.IsType<GuestException>(Out(d, ReportPorts.ExceptionEnd, disposition));

        Assert.Equal(new GuestException(13, 0, 0x10040, 0x1_dead0000, recovered), e);
        Assert.Equal("#GP", e.VectorName);
        Assert.Equal(!recovered, e.EndsRun);
    }

    [Fact]
    public void A_short_exception_record_is_a_protocol_violation()
    {
        var d = new ReportPortDecoder();
        Out(d, ReportPorts.ExceptionField, 14);

        var e = Assert.IsType<ReportProtocolViolation>(Out(d, ReportPorts.ExceptionEnd, 0));

        Assert.Contains("1 fields", e.Detail);
    }

    [Fact]
    public void Done_ends_the_run_with_its_status()
    {
        var e = Out(new ReportPortDecoder(), ReportPorts.Done, 5);

        Assert.Equal(new GuestDone(5), e);
        Assert.True(e!.EndsRun);
    }

    [Fact]
    public void Wrong_port_size_or_direction_are_protocol_violations()
    {
        var d = new ReportPortDecoder();

        Assert.Contains("0x80", Assert.IsType<ReportProtocolViolation>(Out(d, 0x80, 1)).Detail);
        Assert.Contains("IN", Assert.IsType<ReportProtocolViolation>(d.Decode(ReportPorts.Kind, false, U32(0))).Detail);
        Assert.Contains("1-byte", Assert.IsType<ReportProtocolViolation>(d.Decode(ReportPorts.Kind, true, [1])).Detail);
        Assert.Contains("0xe7", Assert.IsType<ReportProtocolViolation>(Out(d, 0xE7, 1)).Detail);
    }
}
