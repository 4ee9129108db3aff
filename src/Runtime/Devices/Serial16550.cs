using System.Diagnostics;
using System.Text;

namespace Vmspec.Runtime.Devices;

/// <summary>A line the guest printed on the UART, with the time since the device was created.</summary>
public readonly record struct SerialLine(TimeSpan At, string Text);

/// <summary>
/// A 16550A UART (COM1 at 0x3F8 by default) with polled output: THR bytes go to a bounded, line-timestamped log;
/// LSR always says the transmitter is empty; IER/LCR/MCR/SCR and the divisor latch read back what was written;
/// loopback (MCR bit 4) echoes THR into the receiver and MCR into MSR, as Linux's 8250 probe checks. Once connected,
/// its interrupt line is high while an enabled interrupt is pending and OUT2 (MCR bit 3, the PC's IRQ gate) is set.
/// </summary>
public sealed class Serial16550 : IPortIoDevice, IInterruptSource
{
    public const ushort Com1 = 0x3F8;
    public const uint Com1Irq = 4;
    public const int RegisterCount = 8;
    public const int DefaultLogCapacity = 1 << 20;

    // Register offsets from the base port.
    public const ushort Data = 0, InterruptEnable = 1, InterruptId = 2, FifoControl = 2, LineControl = 3, ModemControl = 4,
        LineStatus = 5, ModemStatus = 6, Scratch = 7;

    public const byte LsrDataReady = 0x01, LsrThrEmpty = 0x20, LsrTransmitterEmpty = 0x40;
    public const byte LcrDivisorLatch = 0x80;
    public const byte IerReceivedData = 0x01, IerThrEmpty = 0x02;
    public const byte IirNoInterrupt = 0x01, IirThrEmpty = 0x02, IirReceivedData = 0x04, IirFifoEnabled = 0xC0;
    public const byte FcrEnable = 0x01, FcrClearReceiver = 0x02;
    public const byte McrOut2 = 0x08, McrLoopback = 0x10;
    /// <summary>MSR outside loopback: DCD, DSR and CTS asserted (a cable is plugged in and ready).</summary>
    public const byte MsrDefault = 0x80 | 0x20 | 0x10;

    private readonly ushort _base;
    private readonly int _capacity;
    private readonly Func<TimeSpan> _clock;
    private readonly Queue<byte> _received = new();
    private readonly LinkedList<SerialLine> _lines = new();
    private readonly List<byte> _pending = [];
    private int _retained;
    private byte _ier, _lcr, _mcr, _scr, _dll = 0x0C, _dlm, _fcr;
    private bool _thrEmptyInterrupt;
    private IInterruptLine? _line;

    public Serial16550(ushort basePort = Com1, int logCapacity = DefaultLogCapacity, Func<TimeSpan>? clock = null, uint irq = Com1Irq)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(logCapacity);
        _base = basePort;
        Irq = irq;
        _capacity = logCapacity;
        if (clock is null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
        }
        _clock = clock;
    }

    /// <summary>Completed lines, oldest first (the oldest are dropped once the log holds more than its capacity in bytes).</summary>
    public IReadOnlyCollection<SerialLine> Lines => _lines;

    /// <summary>Bytes of whole lines dropped to keep the log within its capacity.</summary>
    public long DroppedBytes { get; private set; }

    /// <summary>Every retained line plus the unterminated tail, as text.</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder();
            foreach (SerialLine line in _lines) text.Append(line.Text).Append('\n');
            return text.Append(Encoding.UTF8.GetString([.. _pending])).ToString();
        }
    }

    public uint Irq { get; }

    public void Connect(IInterruptLine line)
    {
        _line = line;
        UpdateInterruptLine();
    }

    public bool Handles(ushort port) => port >= _base && port < _base + RegisterCount;

    public void Read(ushort port, Span<byte> data)
    {
        data.Clear();
        data[0] = ReadRegister((ushort)(port - _base));
        UpdateInterruptLine();
    }

    public GuestEvent? Write(ushort port, ReadOnlySpan<byte> data)
    {
        WriteRegister((ushort)(port - _base), data[0]);
        UpdateInterruptLine();
        return null;
    }

    /// <summary>Whether an enabled interrupt is pending, as IIR would report it (without acknowledging it).</summary>
    public bool InterruptPending =>
        ((_ier & IerReceivedData) != 0 && _received.Count > 0) || ((_ier & IerThrEmpty) != 0 && _thrEmptyInterrupt);

    private void UpdateInterruptLine() => _line?.Set(InterruptPending && (_mcr & McrOut2) != 0 && !Loopback);

    private bool DivisorLatch => (_lcr & LcrDivisorLatch) != 0;
    private bool Loopback => (_mcr & McrLoopback) != 0;

    private byte ReadRegister(ushort offset)
    {
        switch (offset)
        {
            case Data when DivisorLatch: return _dll;
            case Data: return _received.TryDequeue(out byte b) ? b : (byte)0;
            case InterruptEnable when DivisorLatch: return _dlm;
            case InterruptEnable: return _ier;
            case InterruptId: return ReadInterruptId();
            case LineControl: return _lcr;
            case ModemControl: return _mcr;
            case LineStatus: return (byte)(LsrThrEmpty | LsrTransmitterEmpty | (_received.Count > 0 ? LsrDataReady : 0));
            case ModemStatus: return Loopback ? LoopbackModemStatus() : MsrDefault;
            default: return _scr;
        }
    }

    private void WriteRegister(ushort offset, byte value)
    {
        switch (offset)
        {
            case Data when DivisorLatch: _dll = value; break;
            case Data: Transmit(value); break;
            case InterruptEnable when DivisorLatch: _dlm = value; break;
            case InterruptEnable:
                // Enabling the THR-empty interrupt with an empty THR raises it at once (what Linux's THRE test expects).
                if ((value & IerThrEmpty) != 0 && (_ier & IerThrEmpty) == 0) _thrEmptyInterrupt = true;
                if ((value & IerThrEmpty) == 0) _thrEmptyInterrupt = false;
                _ier = (byte)(value & 0x0F);
                break;
            case FifoControl:
                _fcr = (byte)(value & FcrEnable);
                if ((value & FcrClearReceiver) != 0) _received.Clear();
                break;
            case LineControl: _lcr = value; break;
            case ModemControl: _mcr = (byte)(value & 0x1F); break;
            case Scratch: _scr = value; break;
            // LSR and MSR are read-only.
        }
    }

    /// <summary>IIR: received data before THR empty; reading it acknowledges a THR-empty interrupt.</summary>
    private byte ReadInterruptId()
    {
        byte fifo = (_fcr & FcrEnable) != 0 ? IirFifoEnabled : (byte)0;
        if ((_ier & IerReceivedData) != 0 && _received.Count > 0) return (byte)(fifo | IirReceivedData);
        if ((_ier & IerThrEmpty) != 0 && _thrEmptyInterrupt)
        {
            _thrEmptyInterrupt = false;
            return (byte)(fifo | IirThrEmpty);
        }
        return (byte)(fifo | IirNoInterrupt);
    }

    /// <summary>In loopback DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD.</summary>
    private byte LoopbackModemStatus() =>
        (byte)(((_mcr & 0x01) << 5) | ((_mcr & 0x02) << 3) | ((_mcr & 0x04) << 4) | ((_mcr & 0x08) << 4));

    private void Transmit(byte value)
    {
        // The byte leaves at once, so THR is empty again (the interrupt re-arms if enabled).
        _thrEmptyInterrupt = (_ier & IerThrEmpty) != 0;
        if (Loopback)
        {
            _received.Enqueue(value);
            return;
        }
        if (value == (byte)'\n')
        {
            AppendLine(Encoding.UTF8.GetString([.. _pending]).TrimEnd('\r'));
            _pending.Clear();
            return;
        }
        _pending.Add(value);
        if (_pending.Count >= _capacity)
        {
            // An endless line is cut so the log stays bounded.
            AppendLine(Encoding.UTF8.GetString([.. _pending]));
            _pending.Clear();
        }
    }

    private void AppendLine(string text)
    {
        _lines.AddLast(new SerialLine(_clock(), text));
        _retained += LogBytes(text);
        while (_retained > _capacity && _lines.First is { } oldest)
        {
            _lines.RemoveFirst();
            _retained -= LogBytes(oldest.Value.Text);
            DroppedBytes += LogBytes(oldest.Value.Text);
        }
    }

    private static int LogBytes(string line) => Encoding.UTF8.GetByteCount(line) + 1;
}
