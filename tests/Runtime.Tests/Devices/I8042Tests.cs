using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.Tests.Devices;

public sealed class I8042Tests
{
    private static byte In(I8042 kbc, ushort port)
    {
        Span<byte> b = stackalloc byte[1];
        kbc.Read(port, b);
        return b[0];
    }

    private static GuestEvent? Out(I8042 kbc, ushort port, byte value) => kbc.Write(port, [value]);

    [Fact]
    public void Command_0xfe_requests_a_reset_that_ends_the_run()
    {
        var kbc = new I8042();
        Assert.Equal(0, In(kbc, I8042.StatusPort) & I8042.StatusInputFull); // Linux's kb_wait() proceeds

        GuestEvent? e = Out(kbc, I8042.CommandPort, 0xFE);

        var reset = Assert.IsType<GuestResetRequest>(e);
        Assert.True(reset.EndsRun);
        Assert.Contains("0xFE", reset.Source);
    }

    [Fact]
    public void Self_tests_answer_through_the_output_buffer()
    {
        var kbc = new I8042();
        Assert.Null(Out(kbc, I8042.CommandPort, I8042.CommandSelfTest));
        Assert.Equal(I8042.StatusOutputFull, In(kbc, I8042.StatusPort) & I8042.StatusOutputFull);
        Assert.Equal(I8042.SelfTestPassed, In(kbc, I8042.DataPort));
        Assert.Equal(0, In(kbc, I8042.StatusPort) & I8042.StatusOutputFull);

        Out(kbc, I8042.CommandPort, I8042.CommandInterfaceTest);
        Assert.Equal(I8042.InterfaceTestPassed, In(kbc, I8042.DataPort));
    }

    [Fact]
    public void Configuration_byte_reads_back_what_was_written_and_tracks_port_enables()
    {
        var kbc = new I8042();
        Out(kbc, I8042.CommandPort, I8042.CommandWriteConfig);
        Assert.Null(Out(kbc, I8042.DataPort, 0x65));
        Out(kbc, I8042.CommandPort, I8042.CommandReadConfig);
        Assert.Equal(0x65, In(kbc, I8042.DataPort));

        Out(kbc, I8042.CommandPort, I8042.CommandDisableAux);
        Assert.Equal(I8042.ConfigDisableAux, kbc.Config & I8042.ConfigDisableAux);
        Out(kbc, I8042.CommandPort, I8042.CommandEnableKeyboard);
        Assert.Equal(0, kbc.Config & I8042.ConfigDisableKeyboard);
    }

    [Fact]
    public void Output_port_write_resets_only_when_the_reset_line_goes_low()
    {
        var kbc = new I8042();
        Out(kbc, I8042.CommandPort, I8042.CommandWriteOutputPort);
        Assert.Null(Out(kbc, I8042.DataPort, 0x03));

        Out(kbc, I8042.CommandPort, I8042.CommandWriteOutputPort);
        Assert.IsType<GuestResetRequest>(Out(kbc, I8042.DataPort, 0x02));
    }

    [Fact]
    public void Keyboard_bytes_are_acknowledged_and_other_ports_are_not_claimed()
    {
        var kbc = new I8042();
        Assert.Null(Out(kbc, I8042.DataPort, 0xF4));
        Assert.Equal(I8042.KeyboardAck, In(kbc, I8042.DataPort));

        Assert.True(kbc.Handles(0x60));
        Assert.True(kbc.Handles(0x64));
        Assert.False(kbc.Handles(0x61));
    }
}
