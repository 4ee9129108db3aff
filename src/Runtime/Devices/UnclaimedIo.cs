using System.Buffers.Binary;

namespace Vmspec.Runtime.Devices;

/// <summary>One port or MMIO address the guest used that no device claims: how often, and the first access.</summary>
public sealed record UnclaimedAccess(string Space, ulong Address, string? Known, int Reads, int Writes, string First);

/// <summary>
/// The quiet end of both buses for a real kernel: every port no device claims (except vmspec's report ports) and every
/// MMIO address outside RAM reads as all ones, as an ISA bus with nothing attached does, and writes are dropped. Each
/// address is logged with its access counts, and named when it is one a PC kernel probes for (port 0x80, CMOS, PCI
/// configuration, ...), so a failed case shows what the guest looked for that vmspec does not emulate.
/// </summary>
public sealed class UnclaimedIo : IPortIoDevice, IMmioDevice
{
    /// <summary>Ports a Linux guest probes on a PC without these devices; anything else is reported as unknown.</summary>
    public static IReadOnlyList<(ushort First, ushort Last, string Name)> KnownPorts { get; } =
    [
        (0x0080, 0x0080, "POST code (io_delay)"),
        (0x0087, 0x0087, "DMA page register"),
        (0x0092, 0x0092, "system control port A (A20)"),
        (0x00ED, 0x00ED, "io_delay alternative"),
        (0x00F0, 0x00F1, "FPU error latch"),
        (0x02E8, 0x02EF, "COM4"),
        (0x02F8, 0x02FF, "COM2"),
        (0x0378, 0x037A, "parallel port"),
        (0x03B0, 0x03DF, "VGA"),
        (0x03E8, 0x03EF, "COM3"),
        (0x03F0, 0x03F7, "floppy controller"),
        (0x0CF8, 0x0CFF, "PCI configuration mechanism"),
    ];

    private readonly Dictionary<(string Space, ulong Address), Counter> _accesses = [];

    public bool Handles(ushort port) => !ReportPorts.Contains(port);

    public bool Handles(ulong address) => true;

    public void Read(ushort port, Span<byte> data) => Record("port", port, data.Length, null, data);

    public GuestEvent? Write(ushort port, ReadOnlySpan<byte> data)
    {
        Record("port", port, data.Length, Value(data), default);
        return null;
    }

    public void Read(ulong address, Span<byte> data) => Record("mmio", address, data.Length, null, data);

    public void Write(ulong address, ReadOnlySpan<byte> data) => Record("mmio", address, data.Length, Value(data), default);

    /// <summary>Every address accessed, ports first, in address order.</summary>
    public IReadOnlyList<UnclaimedAccess> Accesses =>
        _accesses.OrderBy(a => a.Key.Space == "port" ? 0 : 1).ThenBy(a => a.Key.Address)
            .Select(a => new UnclaimedAccess(a.Key.Space, a.Key.Address, a.Key.Space == "port" ? KnownName((ushort)a.Key.Address) : null,
                a.Value.Reads, a.Value.Writes, a.Value.First))
            .ToList();

    /// <summary>The accesses no table names, one line each: what to look at when a guest misbehaves.</summary>
    public IReadOnlyList<UnclaimedAccess> Unknown => Accesses.Where(a => a.Known is null).ToList();

    public static string Describe(UnclaimedAccess a) =>
        $"{a.Space} 0x{a.Address:x}{(a.Known is { } k ? $" ({k})" : "")}: {a.Reads} read(s), {a.Writes} write(s), first {a.First}";

    public static string? KnownName(ushort port) => KnownPorts.FirstOrDefault(k => port >= k.First && port <= k.Last).Name;

    private void Record(string space, ulong address, int size, ulong? written, Span<byte> readData)
    {
        if (written is null) readData.Fill(0xFF);
        if (!_accesses.TryGetValue((space, address), out Counter? counter))
        {
            string first = written is { } value ? $"{size}-byte write of 0x{value:x}" : $"{size}-byte read";
            _accesses[(space, address)] = counter = new Counter(first);
        }
        if (written is null) counter.Reads++;
        else counter.Writes++;
    }

    private static ulong Value(ReadOnlySpan<byte> data)
    {
        Span<byte> padded = stackalloc byte[8];
        data[..Math.Min(8, data.Length)].CopyTo(padded);
        return BinaryPrimitives.ReadUInt64LittleEndian(padded);
    }

    private sealed class Counter(string first)
    {
        public string First { get; } = first;
        public int Reads { get; set; }
        public int Writes { get; set; }
    }
}
