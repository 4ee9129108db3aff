using System.Buffers.Binary;

namespace Vmspec.Runtime.X86;

/// <summary>64-bit IDT gate descriptors (16 bytes each).</summary>
public static class IdtGate
{
    public const int Size = 16;
    public const int VectorCount = 256;
    /// <summary>Present, DPL0, 64-bit interrupt gate (IF cleared on entry).</summary>
    public const byte InterruptGate = 0x8e;

    public static void Encode(Span<byte> destination, ulong handler, ushort selector = Selectors.KernelCode, byte typeAttributes = InterruptGate)
    {
        ulong low = (handler & 0xffff)
            | ((ulong)selector << 16)
            | ((ulong)typeAttributes << 40)
            | (((handler >> 16) & 0xffff) << 48);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, low);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], handler >> 32);
    }

    /// <summary>The whole IDT: gates for the given vectors; others not present (delivering one raises #NP).</summary>
    public static byte[] BuildTable(IReadOnlyDictionary<int, ulong> handlers)
    {
        var table = new byte[VectorCount * Size];
        foreach (var (vector, handler) in handlers)
        {
            if (vector is < 0 or >= VectorCount) throw new ArgumentOutOfRangeException(nameof(handlers), $"vector {vector}");
            Encode(table.AsSpan(vector * Size, Size), handler);
        }
        return table;
    }
}
