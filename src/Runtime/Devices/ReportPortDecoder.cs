using System.Buffers.Binary;
using System.Text;

namespace Vmspec.Runtime.Devices;

/// <summary>Decodes OUT writes to the report ports into <see cref="GuestEvent"/>s; keeps the latches between writes.</summary>
public sealed class ReportPortDecoder
{
    private uint _kind;
    private uint _valueLow;
    private bool _kindLatched, _lowLatched;
    private readonly List<byte> _message = [];
    private readonly List<uint> _exceptionFields = [];

    /// <summary>Decodes one port access; null when it only updated a latch.</summary>
    public GuestEvent? Decode(ushort port, bool isWrite, ReadOnlySpan<byte> data)
    {
        if (!ReportPorts.Contains(port)) return new ReportProtocolViolation($"I/O to port 0x{port:x}, which is not a report port");
        if (!isWrite) return new ReportProtocolViolation($"IN from report port 0x{port:x}; the report ports are write-only");
        int expectedSize = port == ReportPorts.MessageByte ? 1 : 4;
        if (data.Length != expectedSize)
            return new ReportProtocolViolation($"{data.Length}-byte OUT to port 0x{port:x}; expected {expectedSize} byte(s)");
        uint value = expectedSize == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(data) : data[0];

        switch (port)
        {
            case ReportPorts.Kind:
                _kind = value;
                _kindLatched = true;
                return null;
            case ReportPorts.ValueLow:
                _valueLow = value;
                _lowLatched = true;
                return null;
            case ReportPorts.ValueHigh:
                if (!_kindLatched || !_lowLatched)
                    return new ReportProtocolViolation("report value completed before its kind and low half were written");
                _kindLatched = _lowLatched = false;
                return new GuestReport(_kind, ((ulong)value << 32) | _valueLow);
            case ReportPorts.MessageByte:
                _message.Add((byte)value);
                return null;
            case ReportPorts.AssertFailed:
                string message = Encoding.UTF8.GetString([.. _message]);
                _message.Clear();
                return new GuestAssertFailure(value, message);
            case ReportPorts.ExceptionField:
                _exceptionFields.Add(value);
                return null;
            case ReportPorts.ExceptionEnd:
                return CompleteException(value);
            case ReportPorts.Done:
                return new GuestDone(value);
            default:
                return new ReportProtocolViolation($"OUT to unassigned report port 0x{port:x}");
        }
    }

    private GuestEvent CompleteException(uint disposition)
    {
        var f = _exceptionFields.ToArray();
        _exceptionFields.Clear();
        if (f.Length != ReportPorts.ExceptionFieldCount)
            return new ReportProtocolViolation($"exception record with {f.Length} fields; expected {ReportPorts.ExceptionFieldCount}");
        if (disposition > ReportPorts.ExceptionFatal)
            return new ReportProtocolViolation($"exception disposition {disposition}; expected 0 or 1");
        return new GuestException(f[0], f[1], ((ulong)f[3] << 32) | f[2], ((ulong)f[5] << 32) | f[4], disposition == ReportPorts.ExceptionRecovered);
    }
}
