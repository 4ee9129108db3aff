using Iced.Intel;

namespace Vmspec.Runtime.Running;

/// <summary>Disassembles guest code at a virtual address (through the identity map) with Iced.</summary>
public static class CodeDisassembler
{
    private const int WindowBytes = 48;

    /// <summary>Up to <paramref name="count"/> instructions from <paramref name="bytes"/> as "address  bytes  text" lines.</summary>
    public static IReadOnlyList<string> Disassemble(ReadOnlySpan<byte> bytes, ulong address, int count)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes.ToArray()), address);
        var formatter = new NasmFormatter();
        var output = new StringOutput();
        var lines = new List<string>();
        while (lines.Count < count && decoder.IP < address + (ulong)bytes.Length)
        {
            ulong ip = decoder.IP;
            decoder.Decode(out Instruction instruction);
            if (instruction.IsInvalid) { lines.Add($"{ip:x16}  (undecodable bytes)"); break; }
            formatter.Format(instruction, output);
            string hex = Convert.ToHexStringLower(bytes.Slice((int)(ip - address), instruction.Length));
            lines.Add($"{ip:x16}  {hex,-20}  {output.ToStringAndReset()}");
        }
        return lines;
    }

    /// <summary>The instructions at guest RIP, or a line saying why they cannot be read.</summary>
    public static IReadOnlyList<string> AtRip(GuestMemory memory, GuestLayout layout, ulong rip, int count = 6)
    {
        if (PageTables.Translate(layout, rip) is not { } gpa)
            return [$"{rip:x16}  (not identity-mapped)"];
        int length = WindowBytes;
        while (length > 0 && !memory.IsReadable(gpa, length)) length--;
        if (length == 0) return [$"{rip:x16}  (guest-physical 0x{gpa:x} is not readable host-side)"];
        return Disassemble(memory.Span(gpa, length), rip, count);
    }
}
