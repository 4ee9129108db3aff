namespace Vmspec.Runtime.Devices;

/// <summary>
/// The i8042 keyboard controller, as much of it as a guest's probe and reboot need (Firecracker's devices/legacy/i8042.rs):
/// status and command on 0x64, data on 0x60, the controller configuration byte, self-tests, and command 0xFE, which
/// pulses the CPU reset line and ends the run with a <see cref="GuestResetRequest"/>. No keyboard is attached.
/// </summary>
public sealed class I8042 : IPortIoDevice
{
    public const ushort DataPort = 0x60;
    public const ushort CommandPort = 0x64;
    public const ushort StatusPort = 0x64;

    public const byte StatusOutputFull = 0x01, StatusInputFull = 0x02, StatusSystemFlag = 0x04, StatusCommandLast = 0x08;

    public const byte CommandReadConfig = 0x20, CommandWriteConfig = 0x60, CommandDisableAux = 0xA7, CommandEnableAux = 0xA8,
        CommandSelfTest = 0xAA, CommandInterfaceTest = 0xAB, CommandDisableKeyboard = 0xAD, CommandEnableKeyboard = 0xAE,
        CommandWriteOutputPort = 0xD1, CommandPulseReset = 0xFE;

    public const byte SelfTestPassed = 0x55, InterfaceTestPassed = 0x00, KeyboardAck = 0xFA;
    /// <summary>Configuration byte bits: keyboard/aux clocks disabled, system flag, translation.</summary>
    public const byte ConfigDisableKeyboard = 0x10, ConfigDisableAux = 0x20, ConfigSystemFlag = 0x04, ConfigTranslate = 0x40;
    /// <summary>Output port bit 0 drives the CPU reset line (active low).</summary>
    public const byte OutputPortResetLine = 0x01;

    private readonly Queue<byte> _output = new();
    private byte _config = ConfigSystemFlag | ConfigTranslate;
    private byte? _awaitingParameter;
    private bool _commandLast;

    public byte Config => _config;

    public bool Handles(ushort port) => port is DataPort or CommandPort;

    public void Read(ushort port, Span<byte> data)
    {
        data.Clear();
        data[0] = port == StatusPort ? Status() : (_output.TryDequeue(out byte b) ? b : (byte)0);
    }

    public GuestEvent? Write(ushort port, ReadOnlySpan<byte> data)
    {
        byte value = data[0];
        if (port == CommandPort)
        {
            _commandLast = true;
            return Command(value);
        }
        _commandLast = false;
        return WriteData(value);
    }

    /// <summary>The input buffer is never full (commands complete at once), so Linux's kb_wait() never spins.</summary>
    private byte Status() =>
        (byte)(StatusSystemFlag | (_output.Count > 0 ? StatusOutputFull : 0) | (_commandLast ? StatusCommandLast : 0));

    private GuestEvent? Command(byte command)
    {
        _awaitingParameter = null;
        switch (command)
        {
            case CommandReadConfig: Reply(_config); break;
            case CommandWriteConfig or CommandWriteOutputPort: _awaitingParameter = command; break;
            case CommandDisableAux: _config |= ConfigDisableAux; break;
            case CommandEnableAux: _config &= unchecked((byte)~ConfigDisableAux); break;
            case CommandSelfTest: Reply(SelfTestPassed); break;
            case CommandInterfaceTest: Reply(InterfaceTestPassed); break;
            case CommandDisableKeyboard: _config |= ConfigDisableKeyboard; break;
            case CommandEnableKeyboard: _config &= unchecked((byte)~ConfigDisableKeyboard); break;
            case CommandPulseReset: return new GuestResetRequest("i8042 command 0xFE (pulse reset line)");
            // Other commands (password, aux loopback, ...) are accepted and ignored.
        }
        return null;
    }

    private GuestEvent? WriteData(byte value)
    {
        byte? pending = _awaitingParameter;
        _awaitingParameter = null;
        switch (pending)
        {
            case CommandWriteConfig:
                _config = value;
                return null;
            case CommandWriteOutputPort when (value & OutputPortResetLine) == 0:
                return new GuestResetRequest("i8042 output port write with the reset line low");
            case CommandWriteOutputPort:
                return null;
            default:
                // A byte for the (absent) keyboard: acknowledge it so a driver's command does not time out.
                Reply(KeyboardAck);
                return null;
        }
    }

    private void Reply(byte value) => _output.Enqueue(value);
}
