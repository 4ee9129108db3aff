using Vmspec.Runtime.Devices;

namespace Vmspec.Runtime.Tests.Devices;

public sealed class Serial16550Tests
{
    private const ushort Base = Serial16550.Com1;
    private TimeSpan _now;

    private Serial16550 Uart(int capacity = Serial16550.DefaultLogCapacity) => new(Base, capacity, () => _now);

    private static byte In(Serial16550 uart, ushort offset)
    {
        Span<byte> b = stackalloc byte[1];
        uart.Read((ushort)(Base + offset), b);
        return b[0];
    }

    private static void Out(Serial16550 uart, ushort offset, byte value) => Assert.Null(uart.Write((ushort)(Base + offset), [value]));

    private static void Print(Serial16550 uart, string text)
    {
        foreach (char c in text) Out(uart, Serial16550.Data, (byte)c);
    }

    [Fact]
    public void Transmitted_bytes_become_timestamped_lines()
    {
        var uart = Uart();
        _now = TimeSpan.FromMilliseconds(5);
        Print(uart, "first\r\n");
        _now = TimeSpan.FromMilliseconds(9);
        Print(uart, "second\npartial");

        Assert.Equal([new SerialLine(TimeSpan.FromMilliseconds(5), "first"), new SerialLine(TimeSpan.FromMilliseconds(9), "second")], uart.Lines);
        Assert.Equal("first\nsecond\npartial", uart.Text);
    }

    [Fact]
    public void Line_status_always_reports_an_empty_transmitter()
    {
        var uart = Uart();
        Print(uart, "x");

        Assert.Equal(Serial16550.LsrThrEmpty | Serial16550.LsrTransmitterEmpty, In(uart, Serial16550.LineStatus));
    }

    [Fact]
    public void Registers_read_back_what_was_written_with_the_divisor_latch_switching_offsets_0_and_1()
    {
        var uart = Uart();
        Out(uart, Serial16550.Scratch, 0x5A);
        Out(uart, Serial16550.InterruptEnable, 0x05);
        Out(uart, Serial16550.ModemControl, 0x0B);
        Out(uart, Serial16550.LineControl, 0x83);
        Out(uart, Serial16550.Data, 0x01); // DLL
        Out(uart, Serial16550.InterruptEnable, 0x02); // DLM

        Assert.Equal(0x5A, In(uart, Serial16550.Scratch));
        Assert.Equal(0x0B, In(uart, Serial16550.ModemControl));
        Assert.Equal(0x83, In(uart, Serial16550.LineControl));
        Assert.Equal(0x01, In(uart, Serial16550.Data));
        Assert.Equal(0x02, In(uart, Serial16550.InterruptEnable));
        Out(uart, Serial16550.LineControl, 0x03);
        Assert.Equal(0x05, In(uart, Serial16550.InterruptEnable));
        Assert.Empty(uart.Text); // the divisor write did not transmit
    }

    [Fact]
    public void Loopback_mirrors_modem_control_into_modem_status_and_echoes_data_as_Linux_probes_it()
    {
        var uart = Uart();
        Assert.Equal(Serial16550.MsrDefault, In(uart, Serial16550.ModemStatus));

        Out(uart, Serial16550.ModemControl, Serial16550.McrLoopback | 0x0A); // what serial8250's autoconfig writes
        Assert.Equal(0x90, In(uart, Serial16550.ModemStatus) & 0xF0);
        Out(uart, Serial16550.Data, 0x42);
        Assert.Equal(Serial16550.LsrDataReady, In(uart, Serial16550.LineStatus) & Serial16550.LsrDataReady);
        Assert.Equal(0x42, In(uart, Serial16550.Data));
        Assert.Equal(0, In(uart, Serial16550.LineStatus) & Serial16550.LsrDataReady);
        Assert.Empty(uart.Text);
    }

    [Fact]
    public void Interrupt_id_reports_fifo_and_a_thr_empty_interrupt_that_reading_acknowledges()
    {
        var uart = Uart();
        Assert.Equal(Serial16550.IirNoInterrupt, In(uart, Serial16550.InterruptId));

        Out(uart, Serial16550.FifoControl, Serial16550.FcrEnable);
        Out(uart, Serial16550.InterruptEnable, Serial16550.IerThrEmpty);
        Assert.Equal(0xC2, In(uart, Serial16550.InterruptId));
        Assert.Equal(0xC1, In(uart, Serial16550.InterruptId));
        Out(uart, Serial16550.Data, (byte)'a');
        Assert.Equal(0xC2, In(uart, Serial16550.InterruptId));
    }

    [Fact]
    public void Log_keeps_the_newest_lines_within_its_capacity_and_counts_what_it_dropped()
    {
        var uart = Uart(capacity: 12);
        Print(uart, "aaaa\nbbbb\ncccc\n");

        Assert.Equal(["bbbb", "cccc"], uart.Lines.Select(l => l.Text));
        Assert.Equal(5, uart.DroppedBytes);

        Print(uart, new string('z', 30));
        Assert.True(uart.Lines.Sum(l => l.Text.Length + 1) <= 12);
    }

    [Fact]
    public void Claims_only_its_eight_ports()
    {
        var uart = Uart();

        Assert.True(uart.Handles(0x3F8));
        Assert.True(uart.Handles(0x3FF));
        Assert.False(uart.Handles(0x3F7));
        Assert.False(uart.Handles(0x400));
    }

    private sealed class RecordingLine : IInterruptLine
    {
        public List<bool> Levels { get; } = [];

        public void Set(bool asserted)
        {
            if (Levels.Count == 0 || Levels[^1] != asserted) Levels.Add(asserted);
        }
    }

    [Fact]
    public void The_THR_empty_interrupt_lowers_the_line_when_IIR_is_read_and_raises_it_again_after_each_byte()
    {
        var uart = Uart();
        var line = new RecordingLine();
        uart.Connect(line);
        Out(uart, Serial16550.ModemControl, Serial16550.McrOut2);

        Out(uart, Serial16550.InterruptEnable, Serial16550.IerThrEmpty);
        Assert.Equal((byte)Serial16550.IirThrEmpty, In(uart, Serial16550.InterruptId));
        Out(uart, Serial16550.Data, (byte)'x');

        // A new edge per byte: the PIC latches edges, so a line left high would lose the next interrupt.
        Assert.Equal([false, true, false, true], line.Levels);
        Assert.Equal(4u, uart.Irq);
    }

    [Fact]
    public void Without_OUT2_the_interrupt_stays_off_the_line()
    {
        var uart = Uart();
        var line = new RecordingLine();
        uart.Connect(line);

        Out(uart, Serial16550.InterruptEnable, Serial16550.IerThrEmpty);

        Assert.True(uart.InterruptPending);
        Assert.Equal([false], line.Levels);
    }
}
